// The `scrapy-telnet` debug adapter: a DAP session whose debuggee is a Scrapy crawl reached through
// its telnet console, with no debugger in the crawl. It translates DAP requests to console lines
// and nothing else: the Debug Console is the console's namespace (evaluate), the crawl is one
// pseudo-thread named after its spider, and disconnect only closes our connection.
//
// It imports no `vscode`: VS Code runs it inline (DebugAdapterInlineImplementation) with a
// SecretStorage-backed PasswordStore and vscode.l10n; `liveref dap` runs the same class on stdio.
// Passwords are only handed to TelnetClient.connect; they are never in a message or an event.
import * as net from 'node:net';
import { DebugSession, InitializedEvent, OutputEvent, TerminatedEvent, Thread } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { TransportError } from '../../../core/transportError';
import { TelnetClient } from '../telnet/telnetClient';
import { remoteErrorOf } from '../telnet/telnetEvaluator';
import {
  AttachError, PasswordStore, ResolvedTarget, resolveTarget, ScrapyTelnetAttachArgs, Target, targetLabel,
} from './attachTarget';
import {
  completionPrefix, completionsLine, consoleLine, CRAWL_INFO_LINE, CrawlInfo, formatUptime, parseJsonReply,
} from './consoleCode';
import { english, Localizer } from './localize';

export const SCRAPY_TELNET_TYPE = 'scrapy-telnet';
const THREAD_ID = 1;
/** A Debug Console line may legitimately run long (est() on a big crawl); the agent's calls set their own. */
const REPL_TIMEOUT_MS = 120_000;
const COMPLETIONS_TIMEOUT_MS = 5_000;
const DISCONNECT_HOOK_MS = 3_000;
/** Wrong passwords accepted from the store/prompt before the attach gives up. */
const MAX_PASSWORD_TRIES = 3;

export interface ScrapyTelnetSessionOptions {
  /** Remembered / asked passwords (VS Code: SecretStorage + an input box). */
  passwords?: PasswordStore;
  l10n?: Localizer;
  /** Where `passwordEnv` is looked up; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

type AttachArguments = DebugProtocol.AttachRequestArguments & ScrapyTelnetAttachArgs;

export class ScrapyTelnetSession extends DebugSession {
  private readonly l10n: Localizer;
  private client: TelnetClient | undefined;
  private target: Target | undefined;
  private info: CrawlInfo | undefined;
  private disconnecting = false;
  private readonly disconnectHooks: Array<() => Promise<unknown>> = [];
  private readonly connected: Promise<TelnetClient>;
  private settleConnected!: { resolve(client: TelnetClient): void; reject(error: Error): void };

  constructor(private readonly options: ScrapyTelnetSessionOptions = {}) {
    super();
    this.l10n = options.l10n ?? english;
    this.connected = new Promise<TelnetClient>((resolve, reject) => { this.settleConnected = { resolve, reject }; });
    this.connected.catch(() => undefined); // nobody may be waiting
  }

  /** The logged-in console once attach succeeded (shared with the views' engine); rejects if it failed. */
  whenConnected(): Promise<TelnetClient> {
    return this.connected;
  }

  /** What the crawl told us after login. */
  get crawlInfo(): CrawlInfo | undefined {
    return this.info;
  }

  /** Runs before our connection closes on disconnect (the engine releases its agent handles). */
  onWillDisconnect(hook: () => Promise<unknown>): void {
    this.disconnectHooks.push(hook);
  }

  protected initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsCompletionsRequest: true,
      completionTriggerCharacters: ['.'],
      supportsEvaluateForHovers: false,
      supportTerminateDebuggee: false,
      supportsTerminateRequest: false,
    };
    this.sendResponse(response);
  }

  protected async attachRequest(response: DebugProtocol.AttachResponse, args: AttachArguments): Promise<void> {
    let client: TelnetClient;
    try {
      const target = await resolveTarget(args, this.options.env ?? process.env, this.options.passwords, this.l10n);
      this.target = target;
      client = await this.login(target, args);
    } catch (error) {
      const message = error instanceof AttachError ? error.message : this.describe(error);
      this.settleConnected.reject(new TransportError('connect', message));
      this.fail(response, message, true);
      return;
    }
    this.client = client;
    client.onClose((reason) => void this.consoleClosed(reason));
    this.info = await client.run(CRAWL_INFO_LINE, { timeoutMs: 10_000 }).then((out) => parseJsonReply<CrawlInfo>(out)).catch(() => undefined);
    this.sendEvent(new OutputEvent(`${this.banner()}\n`, 'console'));
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
    this.settleConnected.resolve(client);
  }

  protected configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
  }

  protected threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: this.client && !this.client.closed ? [new Thread(THREAD_ID, this.threadName())] : [] };
    this.sendResponse(response);
  }

  protected stackTraceRequest(response: DebugProtocol.StackTraceResponse): void {
    response.body = { stackFrames: [], totalFrames: 0 };
    this.sendResponse(response);
  }

  protected pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.fail(response, this.l10n.t('A telnet session cannot pause the crawl: it runs lines in the crawl\'s telnet console while the crawl keeps going.'), true);
  }

  protected continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
  }

  protected async evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): Promise<void> {
    const client = this.client;
    if (!client || client.closed) return this.fail(response, this.l10n.t('Not attached to a crawl.'));
    // Hovering must not run code in someone's crawl.
    if (args.context === 'hover') return this.fail(response, this.l10n.t('Not available in a telnet session.'));
    try {
      const output = await client.run(consoleLine(args.expression), { timeoutMs: REPL_TIMEOUT_MS });
      if (remoteErrorOf(output) !== undefined) return this.fail(response, output);
      response.body = { result: output, variablesReference: 0 };
      this.sendResponse(response);
    } catch (error) {
      this.fail(response, this.describe(error));
    }
  }

  protected async completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): Promise<void> {
    const column = this.convertClientColumnToDebugger(args.column);
    const prefix = completionPrefix(args.text.split('\n').pop() ?? '', column);
    const typed = prefix.slice(prefix.lastIndexOf('.') + 1);
    let names: string[] = [];
    if (prefix && this.client && !this.client.closed) {
      const output = await this.client.run(completionsLine(prefix), { timeoutMs: COMPLETIONS_TIMEOUT_MS }).catch(() => '');
      names = parseJsonReply<string[]>(output) ?? [];
    }
    const targets = [...new Set(names)].map((name): DebugProtocol.CompletionItem => {
      const callable = name.endsWith('(');
      const label = name.replace(/\($/, '').slice(name.lastIndexOf('.') + 1);
      return { label, text: label, type: callable ? 'function' : 'property', start: this.convertDebuggerColumnToClient(column - typed.length), length: typed.length };
    });
    response.body = { targets };
    this.sendResponse(response);
  }

  protected async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    this.disconnecting = true;
    const hooks = this.disconnectHooks.splice(0).map((hook) => hook().catch(() => undefined));
    await Promise.race([Promise.all(hooks), new Promise((r) => setTimeout(r, DISCONNECT_HOOK_MS))]);
    // Only our connection closes: the crawl and its console keep running.
    this.client?.close(this.l10n.t('Disconnected from the crawl.'));
    this.sendResponse(response);
    this.shutdown();
  }

  private async login(target: ResolvedTarget, args: ScrapyTelnetAttachArgs): Promise<TelnetClient> {
    const connect = (password: string) => TelnetClient.connect({ host: target.host, port: target.port, password, username: args.username, timeoutMs: args.timeoutMs });
    const source = target.source;
    if (source.kind === 'fixed') {
      try {
        return await connect(source.password);
      } catch (error) {
        throw new AttachError(this.describe(error, source.from));
      }
    }
    let rejected = false;
    for (let tries = 0; ; tries++) {
      const password = await source.store.get(target, rejected);
      if (password === undefined) throw new AttachError(this.l10n.t('Attach to {0} cancelled: no password given.', targetLabel(target)));
      try {
        const client = await connect(password);
        await source.store.accepted(target, password);
        return client;
      } catch (error) {
        if (!(error instanceof TransportError && error.code === 'auth') || tries + 1 >= MAX_PASSWORD_TRIES) throw new AttachError(this.describe(error));
        await source.store.rejected(target);
        rejected = true;
      }
    }
  }

  /** The console went away without a disconnect: tell why, then end the session. */
  private async consoleClosed(_reason: string): Promise<void> {
    if (this.disconnecting) return;
    const where = targetLabel(this.target!);
    const listening = await isListening(this.target!);
    const message = listening
      ? this.l10n.t('The connection to the Scrapy telnet console at {0} was lost; the crawl is still listening there. Attach again to continue.', where)
      : this.l10n.t('The crawl at {0} has ended (its telnet console closed). The session is over; Live References keeps the last rows.', where);
    this.sendEvent(new OutputEvent(`${message}\n`, 'important'));
    this.sendEvent(new TerminatedEvent());
  }

  private banner(): string {
    const where = targetLabel(this.target!);
    const info = this.info;
    const crawl = info?.spider
      ? this.l10n.t('Attached to the Scrapy crawl "{0}" (pid {1}, up {2}) at {3}.', info.spider, info.pid, info.uptimeS === undefined || info.uptimeS === null ? '?' : formatUptime(info.uptimeS), where)
      : this.l10n.t('Attached to the telnet console at {0}.', where);
    return `${crawl} ${this.l10n.t('The Debug Console runs in the crawl\'s telnet console: try prefs() or est(). Disconnecting leaves the crawl running.')}`;
  }

  private threadName(): string {
    return this.info?.spider ? this.l10n.t('Spider {0}', this.info.spider) : this.l10n.t('Scrapy crawl');
  }

  private describe(error: unknown, passwordFrom?: string): string {
    const where = this.target ? targetLabel(this.target) : '?';
    if (error instanceof TransportError) {
      switch (error.code) {
        case 'connect': return this.l10n.t('No Scrapy telnet console on {0}. Is the crawl running with TELNETCONSOLE_ENABLED on, and is this its port? Its log says "Telnet console listening on HOST:PORT".', where);
        case 'auth': return passwordFrom
          ? this.l10n.t('Authentication failed on the Scrapy telnet console at {0}: the password from {1} is wrong. The crawl logs its password as "Telnet Password: …" when it starts.', where, passwordFrom)
          : this.l10n.t('Authentication failed on the Scrapy telnet console at {0}: wrong password. The crawl logs its password as "Telnet Password: …" when it starts.', where);
        case 'disconnected': return this.l10n.t('The telnet console at {0} is gone: the crawl ended or the connection dropped.', where);
        case 'timeout': return this.l10n.t('The crawl at {0} did not answer in time: {1}', where, error.message);
        default: return error.message;
      }
    }
    return error instanceof Error ? error.message : String(error);
  }

  /** An error response whose text is shown as is (no `{…}` substitution of console output). */
  private fail(response: DebugProtocol.Response, message: string, showUser = false): void {
    this.sendErrorResponse(response, { id: 4100, format: '{_message}', variables: { _message: message }, showUser });
  }
}

function isListening(target: Target, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.host, port: target.port });
    const done = (value: boolean) => { clearTimeout(timer); socket.destroy(); resolve(value); };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
