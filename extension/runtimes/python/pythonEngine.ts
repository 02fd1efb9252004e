// LiveRefsEngine for Python programs: installs agent/ in the debuggee through an Evaluator and
// turns each engine call into one agent call. Knows Python; knows nothing of VS Code.
import type {
  AgeHistogram, AgesRequest, ClassTrackingStatus, DiscoveredClass, EngineInfo, HeapMarkInfo, InspectResult, IterPage, LiveRefRow, LiveRefsSnapshot, ObjectHandle, ObjectSummary,
  Partition, PartitionRequest, Progress, RetainedRequest, RetainedResult, SourceInfo, WhyResult,
} from '../../core/types';
import { CallOptions, EngineError, IterRequest, LiveRefsEngine, LongCallOptions } from '../../core/liveRefsEngine';
import { Evaluator } from './evaluator';
import { TransportError } from '../../core/transportError';
import { extractMarkedReply } from './agentProtocol';
import { AgentBundle, callExpression, loadAgentBundle, releaseAllStatement } from './agentBundle';

interface AgentReply {
  ok: boolean;
  result?: unknown;
  error?: { type: string; message: string };
}

interface HelloResult {
  agentVersion: string;
  python: string;
  pid: number;
  trackref: boolean;
  tracemalloc: boolean;
  creationSites?: { enabled: boolean; active?: boolean };
}

/** Creation sites (the agent's trackref hook) and the user-code rule, sent once per install. */
export interface CreationSitesOptions {
  /** Record where each tracked object is created (default true); false removes the hook;
   *  'leave' keeps whatever the program has (another client's choice, the launch hook). */
  enabled?: boolean | 'leave';
  /** Frames kept per object (default 8). */
  depth?: number;
  /** Top-level packages that are library code, not user code (default scrapy, twisted). */
  libraryModules?: readonly string[];
  /** Classes to track in any Python program (`Class` or `package.module.Class`): each gets a
   *  creation hook, so its rows have ages, Reveal Oldest, creation sites like trackref's. */
  trackedClasses?: readonly string[];
}


interface JobStep<T> {
  done: boolean;
  progress: Progress;
  result?: T;
}

const AGENT_ERRORS: Record<string, EngineError['code']> = {
  gone: 'gone', unknownClass: 'unknownClass', unavailable: 'unavailable',
};

export class PythonEngine implements LiveRefsEngine {
  private nextId = 1;
  private installed: Promise<void> | undefined;

  constructor(
    private readonly evaluator: Evaluator,
    private readonly bundle: AgentBundle = loadAgentBundle(),
    private readonly log: (line: string) => void = () => undefined,
    private sites: CreationSitesOptions = {},
  ) {}

  async info(options?: CallOptions): Promise<EngineInfo> {
    const hello = await this.call<HelloResult>('hello', {}, options);
    return {
      runtime: 'python', version: hello.python, trackref: hello.trackref, tracemalloc: hello.tracemalloc, pid: hello.pid,
      creationSites: !!hello.creationSites?.enabled,
    };
  }

  async liveRefs(ignore: readonly string[], options?: CallOptions): Promise<LiveRefsSnapshot> {
    const reply = await this.call<{ trackref: boolean; rows: LiveRefRow[]; rssBytes?: number | null; classTracking?: ClassTrackingStatus }>('liveRefs', { ignore, classes: [] }, options);
    const snapshot: LiveRefsSnapshot = { trackref: reply.trackref, rows: reply.rows, takenAt: Date.now(), rssBytes: reply.rssBytes ?? null };
    if (reply.classTracking) snapshot.classTracking = reply.classTracking;
    return snapshot;
  }

  oldest(className: string, options?: CallOptions): Promise<ObjectSummary | null> {
    return this.call('oldest', { className }, options);
  }

  iterAll(request: IterRequest, options?: CallOptions): Promise<IterPage> {
    return this.call('iterAll', request, options);
  }

  inspect(handle: ObjectHandle, offset: number, limit: number, options?: CallOptions): Promise<InspectResult> {
    return this.call('inspect', { handle, offset, limit }, options);
  }

  sourceOf(handle: ObjectHandle, options?: CallOptions): Promise<SourceInfo> {
    return this.call('sourceOf', { handle }, options);
  }

  why(handle: ObjectHandle, options?: CallOptions): Promise<WhyResult> {
    return this.call('why', { handle, maxDepth: 8 }, { timeoutMs: 60_000, ...options });
  }

  ages(request: AgesRequest, options?: CallOptions): Promise<AgeHistogram> {
    return this.call('ages', request, { timeoutMs: 60_000, ...options });
  }

  markHeap(options: LongCallOptions = {}): Promise<HeapMarkInfo> {
    return this.runJob<HeapMarkInfo>('markStart', {}, options);
  }

  async heapMark(options?: CallOptions): Promise<HeapMarkInfo | null> {
    return (await this.call<{ mark: HeapMarkInfo | null }>('markInfo', {}, options)).mark;
  }

  partition(request: PartitionRequest, options: LongCallOptions = {}): Promise<Partition> {
    return this.runJob<Partition>('partitionStart', request, options);
  }

  retained(request: RetainedRequest, options: LongCallOptions = {}): Promise<RetainedResult> {
    return this.runJob<RetainedResult>('retainedStart', request, options);
  }

  /** Starts an agent job and steps it in budgets of 250 ms (or the evaluator's) until it ends (progress, cancel). */
  private async runJob<T>(method: string, params: unknown, options: LongCallOptions): Promise<T> {
    const { job } = await this.call<{ job: string }>(method, params, options);
    try {
      for (;;) {
        if (options.signal?.aborted) throw new TransportError('cancelled', 'Cancelled.');
        const step = await this.call<JobStep<T>>('jobStep', { job, budgetMs: this.evaluator.jobStepBudgetMs ?? 250 }, { timeoutMs: 60_000, signal: options.signal });
        options.onProgress?.(step.progress);
        if (step.done && step.result) return step.result;
      }
    } catch (error) {
      await this.call('jobCancel', { job }, { timeoutMs: 5_000 }).catch(() => undefined);
      throw error;
    }
  }

  async release(handles: readonly ObjectHandle[]): Promise<void> {
    if (handles.length) await this.call('release', { handles }, { timeoutMs: 5_000 });
  }

  /** Releases everything the agent holds for us; the evaluator stays owned by the caller. */
  async releaseAll(): Promise<void> {
    await this.call('releaseAll', {}, { timeoutMs: 5_000 });
  }

  /**
   * Lets the agent drop everything it holds for us (handles, cursors, jobs, its worker thread).
   * A statement needing no reply, written before the caller closes the transport; if the session
   * is already gone there is nothing to reach, and a detach releases by itself in the agent.
   */
  dispose(): void {
    if (!this.installed) return;
    this.installed = undefined;
    this.evaluator.execute(releaseAllStatement(this.bundle), { timeoutMs: 5_000 }).catch(() => undefined);
  }

  private async call<T>(method: string, params: unknown, options: CallOptions = {}): Promise<T> {
    await this.ensureInstalled(options);
    return this.callInstalled(method, params, options);
  }

  private async callInstalled<T>(method: string, params: unknown, options: CallOptions): Promise<T> {
    const id = this.nextId++;
    const started = Date.now();
    const sent = this.evaluator.shortCalls ? withShortCalls(params) : params;
    const text = await this.evaluator.evaluate((mode) => callExpression(this.bundle, id, method, sent, mode), id, options);
    const json = extractMarkedReply(text);
    if (json === undefined) {
      // The program was restarted under us (or the agent was removed): install again next time.
      this.installed = undefined;
      throw new EngineError('transport', `The agent gave no reply to ${method}: ${text.slice(0, 200)}`);
    }
    this.log(`${method} ${Date.now() - started} ms, ${json.length} chars`);
    const reply = JSON.parse(json) as AgentReply;
    if (reply.ok) return reply.result as T;
    const code = AGENT_ERRORS[reply.error?.type ?? ''] ?? 'agent';
    throw new EngineError(code, reply.error?.message ?? `${method} failed`);
  }

  /** New creation-site settings: sent now when the agent is in, else with the install. */
  async configureSites(sites: CreationSitesOptions): Promise<void> {
    this.sites = sites;
    if (!this.installed) return;
    await this.installed;
    await this.callInstalled('configure', this.configureParams(), { timeoutMs: 10_000 });
  }

  private configureParams(): Record<string, unknown> {
    return {
      creationSites: this.sites.enabled ?? true, depth: this.sites.depth, libraryModules: this.sites.libraryModules,
      trackedClasses: this.sites.trackedClasses ?? [],
    };
  }

  /** The `top` user-defined classes (not stdlib or site-packages) with the most live instances. */
  async discoverClasses(top: number, options?: CallOptions): Promise<DiscoveredClass[]> {
    return (await this.call<{ classes: DiscoveredClass[] }>('discoverClasses', { top }, { timeoutMs: 60_000, ...options })).classes;
  }

  /** Adds classes to track (kept with the other settings, so a reinstall tracks them again). */
  async trackClasses(names: readonly string[]): Promise<void> {
    const merged = [...new Set([...(this.sites.trackedClasses ?? []), ...names])];
    await this.configureSites({ ...this.sites, trackedClasses: merged });
  }

  private ensureInstalled(options: CallOptions): Promise<void> {
    if (!this.installed) {
      const timeoutMs = options.timeoutMs ?? 30_000;
      // The agent installs the creation-site hook (or adopts the one installed at launch) right
      // after it arrives, so every tracked object created from now on has a site.
      this.installed = this.evaluator.execute(this.bundle.installStatement, { timeoutMs })
        .then(() => this.callInstalled('configure', this.configureParams(), { timeoutMs }))
        .then(() => undefined);
      this.installed.catch(() => { this.installed = undefined; });
    }
    return this.installed;
  }
}

/** The call's parameters with the agent's `shortCalls` flag (read and removed by the agent's `call`). */
function withShortCalls(params: unknown): unknown {
  return params !== null && typeof params === 'object' && !Array.isArray(params) ? { ...params, shortCalls: true } : { shortCalls: true };
}
