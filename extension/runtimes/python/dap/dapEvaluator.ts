// Evaluates agent calls over the Debug Adapter Protocol against debugpy, whatever carries the
// messages (a VS Code debug session or a raw socket). Runtime: never pauses the program.
//
// Reply paths (agent/README.md, "Protocol"): while the program runs, the call is a frameless
// `evaluate`; debugpy >= 1.8.21 puts the value in the response body, older versions answer with
// an empty body and the agent sends the reply as a custom DAP event instead. When the user has paused, the top frame is
// used with the `clipboard` context, which is not cut at 65,540 characters.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { AGENT_REPLY_EVENT, MARK_BEGIN } from '../agentProtocol';
import { CallBuilder, EvaluateOptions, Evaluator } from '../evaluator';
import { TransportError } from '../../../core/transportError';

/** The few DAP capabilities the evaluator needs from whatever carries the messages. */
export interface DapChannel {
  request<T extends DebugProtocol.Response>(command: string, args: unknown): Promise<T['body']>;
}

interface Waiter {
  resolve(text: string): void;
  reject(error: Error): void;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export class DapEvaluator implements Evaluator {
  private readonly waiters = new Map<number, Waiter>();
  private stoppedThreadId: number | undefined;
  private closed = false;

  constructor(readonly description: string, private readonly channel: DapChannel) {}

  /** Feed every DAP event here; returns true when it was an agent reply. */
  handleEvent(event: string, body: unknown): boolean {
    if (event === 'stopped') this.stoppedThreadId = (body as DebugProtocol.StoppedEvent['body']).threadId;
    if (event === 'continued') this.stoppedThreadId = undefined;
    if (event !== AGENT_REPLY_EVENT) return false;
    const reply = body as { id?: number; payload?: string };
    const waiter = reply && typeof reply.id === 'number' ? this.waiters.get(reply.id) : undefined;
    waiter?.resolve(String(reply.payload ?? ''));
    return true;
  }

  async evaluate(build: CallBuilder, requestId: number, options: EvaluateOptions = {}): Promise<string> {
    this.assertOpen();
    const frameId = await this.topFrameId();
    if (frameId !== undefined) {
      const body = await this.withDeadline(this.evaluateRequest(build('return'), frameId), options);
      return body.result;
    }
    const replyByEvent = new Promise<string>((resolve, reject) => this.waiters.set(requestId, { resolve, reject }));
    // debugpy 1.6.3 sends the agent's event before the (empty) evaluate response; newer versions
    // put the reply in the body. Take whichever carries it first.
    const replyByBody = this.evaluateRequest(build('event'), undefined).then((body) =>
      body.result.includes(MARK_BEGIN) ? body.result : replyByEvent);
    try {
      return await this.withDeadline(Promise.race([replyByEvent, replyByBody]), options);
    } finally {
      this.waiters.delete(requestId);
    }
  }

  async execute(code: string, options: EvaluateOptions = {}): Promise<void> {
    this.assertOpen();
    await this.withDeadline(this.evaluateRequest(code, undefined), options);
  }

  /** Fails every pending call: the session ended. */
  close(reason = 'The debug session ended.'): void {
    this.closed = true;
    for (const waiter of this.waiters.values()) waiter.reject(new TransportError('disconnected', reason));
    this.waiters.clear();
  }

  dispose(): void {
    this.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new TransportError('disconnected', 'The debug session has ended.');
  }

  private async topFrameId(): Promise<number | undefined> {
    const threadId = this.stoppedThreadId;
    if (threadId === undefined) return undefined;
    try {
      const trace = await this.channel.request<DebugProtocol.StackTraceResponse>('stackTrace', { threadId, startFrame: 0, levels: 1 });
      return trace.stackFrames[0]?.id;
    } catch {
      // The thread resumed between the stopped event and now: evaluate frameless instead.
      return undefined;
    }
  }

  private async evaluateRequest(expression: string, frameId: number | undefined): Promise<DebugProtocol.EvaluateResponse['body']> {
    const args: DebugProtocol.EvaluateArguments = frameId === undefined
      ? { expression, context: 'repl' }
      : { expression, frameId, context: 'clipboard' };
    try {
      const body = await this.channel.request<DebugProtocol.EvaluateResponse>('evaluate', args);
      return body ?? { result: '', variablesReference: 0 };
    } catch (error) {
      if (this.closed) throw new TransportError('disconnected', 'The debug session has ended.');
      throw new TransportError('remote', `evaluate failed: ${(error as Error).message ?? error}`);
    }
  }

  private withDeadline<T>(work: Promise<T>, options: EvaluateOptions): Promise<T> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new TransportError('timeout', `No answer from the debuggee within ${timeoutMs} ms.`)), timeoutMs);
      const onAbort = () => reject(new TransportError('cancelled', 'Cancelled.'));
      if (options.signal?.aborted) onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      });
    });
  }
}
