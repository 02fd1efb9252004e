// Reads DAP's `Content-Length` framing from a byte stream that arrives in chunks of any size.
// Chunks are kept as they come and each body is copied once, when it is complete: appending
// every chunk to one growing buffer copied a multi-MB reply over and over (quadratic).
import type { DebugProtocol } from '@vscode/debugprotocol';

/** Longest header we accept; debugpy's are ~20 bytes. Without a blank line by then, it is not DAP. */
const MAX_HEADER = 8 * 1024;
/** Largest body we accept (a partition with every row and samples stays far below). */
const MAX_BODY = 1 << 30;
const HEADER_END = Buffer.from('\r\n\r\n', 'ascii');

export class DapFramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DapFramingError';
  }
}

export class DapFrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private bodyLength: number | undefined;
  /** Bytes copied while framing (bodies and header peeks), to check copying stays linear. */
  copiedBytes = 0;

  constructor(private readonly onMessage: (message: DebugProtocol.ProtocolMessage) => void) {}

  /** Feeds received bytes; throws DapFramingError when the stream is not DAP. */
  push(chunk: Buffer): void {
    if (!chunk.length) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.bodyLength === undefined && !this.readHeader()) return;
      if (this.buffered < this.bodyLength!) return;
      const body = this.take(this.bodyLength!);
      this.bodyLength = undefined;
      this.onMessage(parseBody(body));
    }
  }

  /** What an unfinished message has so far, or undefined between messages. */
  partial(): { received: number; expected?: number } | undefined {
    if (this.bodyLength !== undefined) return { received: this.buffered, expected: this.bodyLength };
    return this.buffered ? { received: this.buffered } : undefined;
  }

  private readHeader(): boolean {
    if (!this.buffered) return false;
    const head = this.peek(Math.min(this.buffered, MAX_HEADER + HEADER_END.length));
    const end = head.indexOf(HEADER_END);
    if (end < 0) {
      if (this.buffered > MAX_HEADER) throw new DapFramingError(`no end of header within ${MAX_HEADER} bytes: ${preview(head)}`);
      return false;
    }
    this.bodyLength = contentLength(head.subarray(0, end).toString('latin1'));
    this.take(end + HEADER_END.length);
    return true;
  }

  /** The first n buffered bytes, without consuming them (n is at most a header's worth). */
  private peek(n: number): Buffer {
    if (this.chunks[0].length < n) {
      // Join only the chunks that hold those bytes, and keep them joined: a header trickling in
      // byte by byte is then not joined again from the start on every byte.
      let k = 0;
      let size = 0;
      while (size < n) size += this.chunks[k++].length;
      this.chunks.splice(0, k, Buffer.concat(this.chunks.slice(0, k), size));
      this.copiedBytes += size;
    }
    return this.chunks[0].subarray(0, n);
  }

  /** Consumes and returns the first n buffered bytes. */
  private take(n: number): Buffer {
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const first = this.chunks[0];
      if (first.length <= need) {
        parts.push(first);
        this.chunks.shift();
        need -= first.length;
      } else {
        parts.push(first.subarray(0, need));
        this.chunks[0] = first.subarray(need);
        need = 0;
      }
    }
    this.buffered -= n;
    if (parts.length === 1) return parts[0];
    this.copiedBytes += n;
    return Buffer.concat(parts, n);
  }
}

function contentLength(header: string): number {
  let length: number | undefined;
  for (const line of header.split('\r\n')) {
    const match = /^([^:]+):\s*(.*)$/.exec(line);
    if (!match) throw new DapFramingError(`malformed header line: ${preview(line)}`);
    if (match[1].trim().toLowerCase() !== 'content-length') continue;
    if (!/^\d{1,10}$/.test(match[2].trim())) throw new DapFramingError(`bad Content-Length: ${preview(match[2])}`);
    length = Number(match[2].trim());
  }
  if (length === undefined) throw new DapFramingError(`header without Content-Length: ${preview(header)}`);
  if (length > MAX_BODY) throw new DapFramingError(`Content-Length ${length} is larger than ${MAX_BODY} bytes`);
  return length;
}

function parseBody(body: Buffer): DebugProtocol.ProtocolMessage {
  let message: unknown;
  try {
    message = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new DapFramingError(`message body is not JSON (${(error as Error).message}): ${preview(body.toString('utf8'))}`);
  }
  if (!message || typeof message !== 'object' || typeof (message as { type?: unknown }).type !== 'string') {
    throw new DapFramingError(`message without a type: ${preview(body.toString('utf8'))}`);
  }
  return message as DebugProtocol.ProtocolMessage;
}

function preview(text: Buffer | string): string {
  const s = typeof text === 'string' ? text : text.toString('latin1');
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}
