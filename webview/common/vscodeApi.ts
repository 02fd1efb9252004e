// A webview's only channel to the extension, typed with the app's message declarations in core/
// (core/partitionMessages.ts, core/timeMessages.ts).

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

/** VS Code hands the API out once per page; the app's bundle acquires it when it loads. */
const api = acquireVsCodeApi();

/** The app's `send`: posts one of its own messages (`FromWebview`) to the extension. */
export function sender<FromWebview extends { type: string }>(): (message: FromWebview) => void {
  return (message) => api.postMessage(message);
}
