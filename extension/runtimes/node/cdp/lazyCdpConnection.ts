// A CdpConnection that connects on first use, for sessions whose CDP endpoint must first be asked
// for (js-debug's proxy). Over the proxy, events reach us only after `JsDebug.subscribe`: every
// event a handler is registered for is subscribed when the connection comes up, or right away.
import { addCloseHandler, CdpConnection, CdpEventHandler, CdpSendOptions, CdpTarget, connectCdp } from './cdpConnection';
import { TransportError } from '../../../core/transportError';

export class LazyCdpConnection implements CdpConnection {
  private connection: Promise<CdpConnection> | undefined;
  private live: CdpConnection | undefined;
  private readonly handlers: Array<{ event: string; handler: CdpEventHandler; off?: () => void }> = [];
  private readonly closeHandlers: Array<(reason: string) => void> = [];
  private closedReason: string | undefined;

  constructor(readonly description: string, private readonly resolveTarget: () => Promise<CdpTarget>, readonly shared = true) {}

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  async send<T>(method: string, params?: object, options?: CdpSendOptions): Promise<T> {
    const connection = await this.connect(options);
    return connection.send<T>(method, params, options);
  }

  on(event: string, handler: CdpEventHandler): () => void {
    const entry: { event: string; handler: CdpEventHandler; off?: () => void } = { event, handler };
    this.handlers.push(entry);
    if (this.live) {
      entry.off = this.live.on(event, handler);
      void this.subscribe(this.live, [event]);
    }
    return () => {
      entry.off?.();
      const index = this.handlers.indexOf(entry);
      if (index >= 0) this.handlers.splice(index, 1);
    };
  }

  onClose(handler: (reason: string) => void): () => void {
    return addCloseHandler(this.closeHandlers, this.closedReason, handler);
  }

  /** Ends the connection; pending and later calls fail with 'disconnected' and `reason`. */
  async close(reason = 'closed'): Promise<void> {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const handler of this.closeHandlers.splice(0)) handler(reason);
    const connection = this.live;
    this.live = undefined;
    await connection?.close();
  }

  private connect(options?: CdpSendOptions): Promise<CdpConnection> {
    if (this.closedReason !== undefined) return Promise.reject(new TransportError('disconnected', this.closedReason));
    this.connection ??= (async () => {
      const target = await this.resolveTarget();
      const connection = await connectCdp(target, { timeoutMs: options?.timeoutMs ?? 10_000 });
      if (this.closedReason !== undefined) {
        await connection.close();
        throw new TransportError('disconnected', this.closedReason);
      }
      for (const entry of this.handlers) entry.off = connection.on(entry.event, entry.handler);
      // Live before the subscribe round trip: a handler added meanwhile attaches (and subscribes) itself.
      this.live = connection;
      connection.onClose((reason) => void this.close(reason));
      await this.subscribe(connection, [...new Set(this.handlers.map((h) => h.event))]);
      return connection;
    })();
    this.connection.catch(() => { this.connection = undefined; });
    return this.connection;
  }

  private async subscribe(connection: CdpConnection, events: string[]): Promise<void> {
    if (this.shared && events.length) await connection.send('JsDebug.subscribe', { events }).catch(() => undefined);
  }
}
