// A CDP client for a Node.js program: either a bare `node --inspect HOST:PORT` (our own inspector
// session) or js-debug's CDP proxy (a session shared with the debugger, events only after
// `JsDebug.subscribe`). chrome-remote-interface does the WebSocket work; `local: true` keeps it
// from fetching the protocol descriptor over HTTP, which the proxy does not serve.
import CDP from 'chrome-remote-interface';
import { TransportError } from '../../../core/transportError';

export type CdpEventHandler = (params: Record<string, unknown>) => void;


export interface CdpSendOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface CdpConnection {
  readonly description: string;
  /** True over js-debug's proxy: the debugger owns Debugger/Runtime; never enable or disable them. */
  readonly shared: boolean;
  send<T = Record<string, unknown>>(method: string, params?: object, options?: CdpSendOptions): Promise<T>;
  /** Subscribes to a CDP event; returns the unsubscribe function. */
  on(event: string, handler: CdpEventHandler): () => void;
  /** Calls `handler` once when the connection ends (at once if it has); returns the unsubscribe function. */
  onClose(handler: (reason: string) => void): () => void;
  readonly closed: boolean;
  close(): Promise<void>;
}

interface RawClient {
  send(method: string, params?: object): Promise<Record<string, unknown>>;
  on(event: string, handler: (...args: unknown[]) => void): void;
  removeListener(event: string, handler: (...args: unknown[]) => void): void;
  close(): Promise<void>;
}

/** Shared by the connections: run now if already closed, else keep until closed or unsubscribed. */
export function addCloseHandler(handlers: Array<(reason: string) => void>, closedReason: string | undefined, handler: (reason: string) => void): () => void {
  if (closedReason !== undefined) {
    handler(closedReason);
    return () => undefined;
  }
  handlers.push(handler);
  return () => {
    const index = handlers.indexOf(handler);
    if (index >= 0) handlers.splice(index, 1);
  };
}

export type CdpTarget =
  | { kind: 'inspect'; host: string; port: number }
  | { kind: 'proxy'; host: string; port: number; path: string };

class ChromeRemoteConnection implements CdpConnection {
  closed = false;
  private readonly closeHandlers: Array<(reason: string) => void> = [];
  private readonly pending = new Set<(error: Error) => void>();

  constructor(private readonly client: RawClient, readonly description: string, readonly shared: boolean) {
    client.on('disconnect', () => this.markClosed('The Node.js program disconnected.'));
  }

  async send<T>(method: string, params: object = {}, options: CdpSendOptions = {}): Promise<T> {
    if (this.closed) throw new TransportError('disconnected', `${this.description} is closed`);
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (error?: Error, value?: unknown) => {
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.pending.delete(fail);
        if (error) reject(error); else resolve(value as T);
      };
      const fail = (error: Error) => finish(error);
      const onAbort = () => finish(new TransportError('cancelled', 'Cancelled.'));
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort);
      if (options.timeoutMs) timer = setTimeout(() => finish(new TransportError('timeout', `${method} took longer than ${options.timeoutMs} ms`)), options.timeoutMs);
      this.pending.add(fail);
      this.client.send(method, params).then((value) => finish(undefined, value), (error: Error & { response?: { message?: string } }) => {
        finish(this.closed ? new TransportError('disconnected', error.message) : new TransportError('protocol', error.response?.message ?? error.message));
      });
    });
  }

  on(event: string, handler: CdpEventHandler): () => void {
    const listener = (params: unknown) => handler((params ?? {}) as Record<string, unknown>);
    this.client.on(event, listener);
    return () => this.client.removeListener(event, listener);
  }

  onClose(handler: (reason: string) => void): () => void {
    return addCloseHandler(this.closeHandlers, this.closed ? 'closed' : undefined, handler);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.markClosed('closed');
    await this.client.close().catch(() => undefined);
  }

  private markClosed(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const fail of [...this.pending]) fail(new TransportError('disconnected', reason));
    for (const handler of this.closeHandlers.splice(0)) handler(reason);
  }
}

export async function connectCdp(target: CdpTarget, options: { timeoutMs?: number } = {}): Promise<CdpConnection> {
  const url = target.kind === 'proxy' ? `ws://${target.host}:${target.port}${target.path}` : undefined;
  const description = target.kind === 'proxy' ? `js-debug CDP proxy ${target.host}:${target.port}` : `node --inspect ${target.host}:${target.port}`;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TransportError('connect', `${description} did not answer within ${options.timeoutMs ?? 10_000} ms`)), options.timeoutMs ?? 10_000);
  });
  try {
    const connecting = CDP({ host: target.host, port: target.port, local: true, ...(url ? { target: url } : {}) }) as Promise<RawClient>;
    // A client that arrives after the timeout would hold its websocket open for good.
    timeout.catch(() => connecting.then((late) => late.close(), () => undefined));
    const client = await Promise.race([connecting, timeout]);
    return new ChromeRemoteConnection(client, description, target.kind === 'proxy');
  } catch (error) {
    if (error instanceof TransportError) throw error;
    throw new TransportError('connect', `Cannot connect to ${description}: ${(error as Error).message}. Is the program running with --inspect?`);
  } finally {
    clearTimeout(timer);
  }
}
