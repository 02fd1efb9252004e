// Environment a Python launch gets so the agent can read allocation sites from tracemalloc
// (first frame in user code, 25 frames deep).
export const TRACEMALLOC_ENV = { PYTHONTRACEMALLOC: '25' };
