// Calls into the page hook (pageHook.ts) over CDP: Runtime.callFunctionOn with the hook object as
// `this`. Installs the hook on first use and again when the program lost it (a new context).
import type { CdpConnection, CdpSendOptions } from './cdp/cdpConnection';
import { HOOK_SOURCE } from './pageHook';

export interface RemoteObject {
  type: string;
  subtype?: string;
  className?: string;
  value?: unknown;
  unserializableValue?: string;
  description?: string;
  objectId?: string;
}

export type CallArg = { value: unknown } | { objectId: string };

interface CallResult {
  result: RemoteObject;
  exceptionDetails?: { text?: string; exception?: { description?: string } };
}

export class PageError extends Error {}

/** Group of the hook object itself; never released while the engine lives. */
const HOOK_GROUP = 'liveref-hook';

export class PageCalls {
  private hookId: Promise<string> | undefined;

  constructor(private readonly cdp: CdpConnection) {}

  /** Runs `function(...args) { <body> }` with the hook as `this`. */
  async call(body: string, args: CallArg[], options: CdpSendOptions & { byValue?: boolean; group?: string } = {}): Promise<RemoteObject> {
    for (let attempt = 0; ; attempt++) {
      const objectId = await this.hook(options);
      try {
        return await this.callOn(objectId, `function(...args) { ${body} }`, args, options);
      } catch (error) {
        // The hook's handle is gone (the program's context was replaced): reinstall once.
        if (attempt || !/object with given id|Cannot find context/i.test((error as Error).message) || await this.alive(objectId)) throw error;
        this.hookId = undefined;
      }
    }
  }

  async value<T>(body: string, args: CallArg[], options: CdpSendOptions = {}): Promise<T> {
    const result = await this.call(body, args, { ...options, byValue: true });
    return result.value as T;
  }

  /** Runs a function with `objectId` as `this`. */
  async callOn(objectId: string, declaration: string, args: CallArg[], options: CdpSendOptions & { byValue?: boolean; group?: string } = {}): Promise<RemoteObject> {
    const reply = await this.cdp.send<CallResult>('Runtime.callFunctionOn', {
      objectId, functionDeclaration: declaration, arguments: args, returnByValue: !!options.byValue,
      objectGroup: options.group, silent: true, awaitPromise: false,
    }, options);
    if (reply.exceptionDetails) {
      throw new PageError(reply.exceptionDetails.exception?.description?.split('\n')[0] ?? reply.exceptionDetails.text ?? 'exception in the program');
    }
    return reply.result;
  }

  /** Evaluates an expression in the program's global scope. */
  async evaluate(expression: string, options: CdpSendOptions & { byValue?: boolean; group?: string } = {}): Promise<RemoteObject> {
    const reply = await this.cdp.send<CallResult>('Runtime.evaluate', {
      expression, returnByValue: !!options.byValue, objectGroup: options.group, silent: true, includeCommandLineAPI: false,
    }, options);
    if (reply.exceptionDetails) throw new PageError(reply.exceptionDetails.exception?.description?.split('\n')[0] ?? 'exception in the program');
    return reply.result;
  }

  /**
   * Waits for one turn of the program's event loop (bounded). WeakRef.deref() — which our counts
   * and seeds call — keeps its target alive until the program's next microtask checkpoint, and
   * Node runs none for an inspector call; a turn clears them, so a GC or a heap snapshot after
   * this sees what the program holds, not what we just looked at.
   */
  async settle(timeoutMs: number): Promise<void> {
    await this.cdp.send('Runtime.evaluate', { expression: 'new Promise((resolve) => setImmediate(resolve))', awaitPromise: true, silent: true }, { timeoutMs })
      .catch(() => undefined); // a paused or busy program: go on with what we have
  }

  private async alive(objectId: string): Promise<boolean> {
    return this.callOn(objectId, 'function() { return true; }', [], { byValue: true }).then(() => true, () => false);
  }

  private hook(options: CdpSendOptions): Promise<string> {
    if (!this.hookId) {
      this.hookId = this.evaluate(HOOK_SOURCE, { timeoutMs: options.timeoutMs, group: HOOK_GROUP }).then((r) => {
        if (!r.objectId) throw new PageError('the page hook did not install');
        return r.objectId;
      });
      this.hookId.catch(() => { this.hookId = undefined; });
    }
    return this.hookId;
  }
}
