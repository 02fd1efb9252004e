// An Evaluator whose transport is not there yet: a debug session's engine exists from the moment
// the session starts, while the scrapy-telnet adapter logs in during `attach`. Calls wait for the
// real evaluator (bounded), then go through it; once closed, every call fails at once.
import { CallBuilder, EvaluateOptions, Evaluator } from '../python/evaluator';
import { TransportError } from '../../core/transportError';

export class DeferredEvaluator implements Evaluator {
  private closedReason: string | undefined;
  private readonly target: Promise<Evaluator>;

  constructor(target: Promise<Evaluator>, readonly description: string, readonly jobStepBudgetMs?: number, waitMs = 60_000,
    readonly shortCalls?: boolean) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TransportError('connect', `${description}: not connected after ${waitMs} ms.`)), waitMs);
      timer.unref?.();
    });
    this.target = Promise.race([target, timeout]).finally(() => clearTimeout(timer));
    this.target.catch(() => undefined);
  }

  async evaluate(build: CallBuilder, requestId: number, options?: EvaluateOptions): Promise<string> {
    return (await this.ready()).evaluate(build, requestId, options);
  }

  async execute(code: string, options?: EvaluateOptions): Promise<void> {
    return (await this.ready()).execute(code, options);
  }

  /** Fails pending and later calls with 'disconnected' and `reason`. */
  close(reason: string): void {
    this.closedReason ??= reason;
    this.dispose();
  }

  dispose(): void {
    this.closedReason ??= 'The evaluator was disposed.';
    void this.target.then((e) => e.dispose(), () => undefined);
  }

  private async ready(): Promise<Evaluator> {
    if (this.closedReason !== undefined) throw new TransportError('disconnected', this.closedReason);
    const evaluator = await this.target;
    if (this.closedReason !== undefined) throw new TransportError('disconnected', this.closedReason);
    return evaluator;
  }
}
