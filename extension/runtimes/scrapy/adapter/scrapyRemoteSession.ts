// The `scrapy` debug adapter: a DAP session whose debuggee is a Scrapy 2.19+ crawl reached through
// its remote control (found by pid from its job file; no debugger in the crawl, no password).
// The Debug Console runs code through POST /execute on the crawl's event loop; the crawl is one
// pseudo-thread named after its spider; disconnect removes our `stash` entry and leaves the crawl
// running. Imports no `vscode` (VS Code runs it inline with vscode.l10n). The token stays inside
// RemoteControlClient: nothing here sends, logs or stores it.
import { DebugSession, InitializedEvent, OutputEvent, TerminatedEvent, Thread } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { TransportError } from '../../../core/transportError';
import { formatUptime } from './consoleCode';
import { english, Localizer } from './localize';
import { connectRemoteControl, RemoteAttachment } from '../remote/connectRemote';
import { processAlive } from '../remote/jobFiles';
import { consoleCode, consoleResult } from '../remote/consoleCode';

export const SCRAPY_REMOTE_TYPE = 'scrapy';
const THREAD_ID = 1;
const REPL_TIMEOUT_MS = 120_000;
const DISCONNECT_HOOK_MS = 3_000;
const WATCH_MS = 1_000;

export interface ScrapyRemoteAttachArgs {
  /** The crawl's process id (`liveref jobs` lists them). */
  pid?: number;
  /** REMOTE_CONTROL_JOBS_DIR when the crawl sets one; Scrapy's default otherwise. */
  jobsDir?: string;
}

type AttachArguments = DebugProtocol.AttachRequestArguments & ScrapyRemoteAttachArgs;

export class ScrapyRemoteSession extends DebugSession {
  private readonly l10n: Localizer;
  private readonly agentModuleKey: string | undefined;
  private attachment: RemoteAttachment | undefined;
  private watch: NodeJS.Timeout | undefined;
  private disconnecting = false;
  private readonly disconnectHooks: Array<() => Promise<unknown>> = [];
  private readonly connected: Promise<RemoteAttachment>;
  private settle!: { resolve(a: RemoteAttachment): void; reject(error: Error): void };

  constructor(options: { l10n?: Localizer; agentModuleKey?: string } = {}) {
    super();
    this.l10n = options.l10n ?? english;
    this.agentModuleKey = options.agentModuleKey;
    this.connected = new Promise<RemoteAttachment>((resolve, reject) => { this.settle = { resolve, reject }; });
    this.connected.catch(() => undefined);
  }

  /** The attachment once attach succeeded (its evaluator serves the views' engine). */
  whenConnected(): Promise<RemoteAttachment> {
    return this.connected;
  }

  /** Runs before our entry leaves `stash` on disconnect (the engine releases its agent handles). */
  onWillDisconnect(hook: () => Promise<unknown>): void {
    this.disconnectHooks.push(hook);
  }

  protected initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = { supportsConfigurationDoneRequest: true, supportsEvaluateForHovers: false, supportTerminateDebuggee: false, supportsTerminateRequest: false };
    this.sendResponse(response);
  }

  protected async attachRequest(response: DebugProtocol.AttachResponse, args: AttachArguments): Promise<void> {
    if (typeof args.pid !== 'number' || !Number.isInteger(args.pid) || args.pid <= 0) {
      return this.failAttach(response, this.l10n.t('"pid" must be the process id of a running Scrapy crawl (Attach to Scrapy Crawl… lists them), got {0}.', JSON.stringify(args.pid)));
    }
    try {
      this.attachment = await connectRemoteControl({ pid: args.pid, jobsDir: args.jobsDir || undefined, l10n: this.l10n, agentModuleKey: this.agentModuleKey });
    } catch (error) {
      return this.failAttach(response, error instanceof Error ? error.message : String(error));
    }
    const pid = args.pid;
    this.watch = setInterval(() => { if (!processAlive(pid)) this.crawlEnded(); }, WATCH_MS);
    this.sendEvent(new OutputEvent(`${this.banner()}\n`, 'console'));
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
    this.settle.resolve(this.attachment);
  }

  protected configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
  }

  protected threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const spider = this.attachment?.job.spider;
    response.body = { threads: this.attachment ? [new Thread(THREAD_ID, spider ? this.l10n.t('Spider {0}', spider) : this.l10n.t('Scrapy crawl'))] : [] };
    this.sendResponse(response);
  }

  protected stackTraceRequest(response: DebugProtocol.StackTraceResponse): void {
    response.body = { stackFrames: [], totalFrames: 0 };
    this.sendResponse(response);
  }

  protected pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.fail(response, this.l10n.t('A remote-control session cannot pause the crawl: code runs on the crawl\'s event loop while the crawl keeps going.'), true);
  }

  protected continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
  }

  protected async evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): Promise<void> {
    const evaluator = this.attachment?.evaluator;
    if (!evaluator) return this.fail(response, this.l10n.t('Not attached to a crawl.'));
    // Hovering must not run code in someone's crawl.
    if (args.context === 'hover') return this.fail(response, this.l10n.t('Not available in a remote-control session.'));
    try {
      // A lone expression first (its value printed, as a REPL would); a statement runs as is.
      let result = await evaluator.run(consoleCode(args.expression, true), { timeoutMs: REPL_TIMEOUT_MS });
      if (result.status === 'compile_error') result = await evaluator.run(consoleCode(args.expression, false), { timeoutMs: REPL_TIMEOUT_MS });
      const shown = consoleResult(result, this.l10n);
      if (shown.failed) return this.fail(response, shown.text);
      response.body = { result: shown.text, variablesReference: 0 };
      this.sendResponse(response);
    } catch (error) {
      this.fail(response, error instanceof TransportError ? error.message : String(error));
    }
  }

  protected async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    this.disconnecting = true;
    clearInterval(this.watch);
    const hooks = this.disconnectHooks.splice(0).map((hook) => hook().catch(() => undefined));
    await Promise.race([Promise.all(hooks), new Promise((r) => setTimeout(r, DISCONNECT_HOOK_MS))]);
    // Our stash entry goes, the crawl keeps running.
    await this.attachment?.evaluator.close();
    this.sendResponse(response);
    this.shutdown();
  }

  private crawlEnded(): void {
    clearInterval(this.watch);
    if (this.disconnecting) return;
    this.disconnecting = true;
    this.attachment?.evaluator.client.close();
    this.sendEvent(new OutputEvent(`${this.l10n.t('The crawl (pid {0}) has ended. The session is over; Live References keeps the last rows.', this.attachment!.job.pid)}\n`, 'important'));
    this.sendEvent(new TerminatedEvent());
  }

  private banner(): string {
    const { job, status } = this.attachment!;
    const started = status.start_time ?? job.startTime;
    const uptime = started ? formatUptime(Date.now() / 1000 - started) : '?';
    return `${this.l10n.t('Attached to the Scrapy crawl "{0}" (project {1}, pid {2}, up {3}, Scrapy {4}) through its remote control.', job.spider, job.project, job.pid, uptime, job.scrapyVersion)} ${this.l10n.t('The Debug Console runs code on the crawl\'s event loop (crawler and stash are there; await works). Disconnecting leaves the crawl running.')}`;
  }

  private failAttach(response: DebugProtocol.Response, message: string): void {
    this.settle.reject(new TransportError('connect', message));
    this.fail(response, message, true);
  }

  /** An error response whose text is shown as is (no `{…}` substitution). */
  private fail(response: DebugProtocol.Response, message: string, showUser = false): void {
    this.sendErrorResponse(response, { id: 4200, format: '{_message}', variables: { _message: message }, showUser });
  }
}
