// The CLI's DAP client against hostile byte streams: the framing layer fed directly, and the
// client over a real TCP socket to a local server that answers with crafted bytes.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapFrameReader, DapFramingError } from '../../extension/runtimes/python/dap/dapFraming';
import { DapSocketClient } from '../../extension/runtimes/python/dap/dapSocketClient';
import { TransportError } from '../../extension/core/transportError';

const frame = (message: object, extraHeader = '') => {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n${extraHeader}\r\n`, 'ascii'), body]);
};
const response = (requestSeq: number, body: unknown) => ({ seq: 100 + requestSeq, type: 'response', request_seq: requestSeq, success: true, command: 'evaluate', body });

function read(chunks: Buffer[]): { messages: DebugProtocol.ProtocolMessage[]; reader: DapFrameReader } {
  const messages: DebugProtocol.ProtocolMessage[] = [];
  const reader = new DapFrameReader((m) => messages.push(m));
  for (const chunk of chunks) reader.push(chunk);
  return { messages, reader };
}

function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe('DapFrameReader', () => {
  it('reads two messages split into 1-byte chunks, multi-byte UTF-8 cut in the middle', () => {
    const stream = Buffer.concat([frame({ seq: 1, type: 'event', event: 'output', body: { output: 'héllo 日本 😀' } }), frame(response(1, { result: 'x' }), 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n')]);
    const { messages, reader } = read(pieces(stream, 1));
    assert.equal(messages.length, 2);
    assert.equal((messages[0] as DebugProtocol.OutputEvent).body.output, 'héllo 日本 😀');
    assert.equal((messages[1] as DebugProtocol.Response).request_seq, 1);
    assert.equal(reader.partial(), undefined);
  });

  it('copies a multi-MB reply in 64 KB chunks a bounded number of times (no quadratic growth)', () => {
    const big = 'A'.repeat(8 << 20);
    const stream = frame(response(1, { result: big }));
    const { messages, reader } = read(pieces(stream, 64 << 10));
    assert.equal(((messages[0] as DebugProtocol.EvaluateResponse).body.result).length, big.length);
    // Each byte is copied about once; appending to one growing buffer copies ~size²/(2·chunk).
    assert.ok(reader.copiedBytes <= 2 * stream.length, `${reader.copiedBytes} bytes copied for a ${stream.length}-byte frame`);
  });

  it('rejects a header without Content-Length, a bad length, a body that is not JSON, and a header that never ends', () => {
    assert.throws(() => read([Buffer.from('Content-Type: x\r\n\r\n{}')]), (e: Error) => e instanceof DapFramingError && /without Content-Length/.test(e.message));
    assert.throws(() => read([Buffer.from('Content-Length: -1\r\n\r\n{}')]), /bad Content-Length/);
    assert.throws(() => read([Buffer.from('Content-Length: 5\r\n\r\n{oops')]), /not JSON/);
    assert.throws(() => read([Buffer.from('Content-Length: 2\r\n\r\n[]')]), /without a type/);
    assert.throws(() => read(pieces(Buffer.alloc(20_000, 'x'), 1000)), /no end of header/);
  });

  it('reports an unfinished message', () => {
    const length = JSON.stringify(response(1, { result: 'abc' })).length;
    const { reader } = read([frame(response(1, { result: 'abc' })).subarray(0, 30)]);
    assert.deepEqual(reader.partial(), { received: 30 - `Content-Length: ${length}\r\n\r\n`.length, expected: length });
    assert.deepEqual(read([Buffer.from('Content-Len')]).reader.partial(), { received: 11 });
  });
});

/** A local TCP server that answers the client's first request with `reply(seq, socket)`, and
 * its goodbye with `goodbye(seq, socket)` (default: hang up at once, without an answer). */
async function server(reply: (seq: number, socket: net.Socket) => void,
  goodbye = (_seq: number, socket: net.Socket) => { socket.destroy(); }): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((socket) => {
    sockets.add(socket);
    let seen = '';
    let answered = false;
    let left = false;
    socket.on('data', (d) => {
      seen += d.toString('latin1');
      const m = /"seq":(\d+)/.exec(seen);
      if (m && !answered) { answered = true; reply(Number(m[1]), socket); }
      const bye = /"seq":(\d+),"type":"request","command":"disconnect"/.exec(seen);
      if (bye && !left) { left = true; goodbye(Number(bye[1]), socket); }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); srv.close(() => resolve()); }),
  };
}

async function waitUntil(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
}

const tick = () => new Promise((r) => setImmediate(r));

async function expectError(work: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(work, (e: unknown) => e instanceof TransportError && e.code === code && message.test(e.message));
}

describe('DapSocketClient over a real socket', () => {
  let srv: { port: number; close(): Promise<void> } | undefined;
  afterEach(async () => { await srv?.close(); srv = undefined; });

  it('takes a reply written in 300 separate pieces', async () => {
    srv = await server(async (seq, socket) => {
      for (const piece of pieces(frame(response(seq, { result: 'pieces', variablesReference: 0 })), 1)) { socket.write(piece); await tick(); }
    });
    const client = await DapSocketClient.connect('127.0.0.1', srv.port);
    const body = await client.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: '1' });
    assert.equal(body.result, 'pieces');
    await client.close();
  });

  it('takes a 16 MB reply', async () => {
    const big = 'B'.repeat(16 << 20);
    srv = await server((seq, socket) => { socket.write(frame(response(seq, { result: big, variablesReference: 0 }))); });
    const client = await DapSocketClient.connect('127.0.0.1', srv.port);
    const body = await client.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: '1' });
    assert.equal(body.result.length, big.length);
    await client.close();
  });

  it('a malformed frame fails the pending call with a protocol error and closes; later calls fail too', async () => {
    srv = await server((_seq, socket) => { socket.write('Content-Length: twelve\r\n\r\n{"type":"response"}'); });
    const client = await DapSocketClient.connect('127.0.0.1', srv.port);
    const closed: string[] = [];
    client.onEvent((event, body) => { if (event === 'liveReferences.closed') closed.push((body as { reason: string }).reason); });
    await expectError(client.request('evaluate', { expression: '1' }), 'protocol', /not a DAP message \(bad Content-Length: "twelve"\)/);
    await expectError(client.request('evaluate', { expression: '2' }), 'protocol', /not a DAP message/);
    assert.equal(closed.length, 1);
    await client.close();
  });

  it('a peer that closes in the middle of a message gives a clear error', async () => {
    srv = await server((seq, socket) => { socket.end(frame(response(seq, { result: 'x'.repeat(1000) })).subarray(0, 500)); });
    const client = await DapSocketClient.connect('127.0.0.1', srv.port);
    await expectError(client.request('evaluate', { expression: '1' }), 'disconnected', /closed the debugpy connection in the middle of a message \(\d+ bytes of \d+\)/);
    await client.close();
  });

  it('close waits for debugpy to answer the disconnect, even when the answer is slow', async () => {
    // debugpy 1.8's adapter exits when a socket closes before that answer and the next client
    // connects: the program would stop listening for good.
    let closedEarly: boolean | undefined;
    let answered = false;
    srv = await server(() => undefined, (seq, socket) => {
      socket.on('close', () => { closedEarly ??= !answered; });
      setTimeout(() => { answered = true; socket.write(frame(response(seq, {}))); }, 1500);
    });
    const client = await DapSocketClient.connect('127.0.0.1', srv.port);
    await client.close();
    await waitUntil(() => closedEarly !== undefined);
    assert.equal(closedEarly, false);
  });

  it('an event listener that throws does not stop the next reply', async () => {
    srv = await server((seq, socket) => { socket.write(Buffer.concat([frame({ seq: 1, type: 'event', event: 'output', body: {} }), frame(response(seq, { result: 'after', variablesReference: 0 }))])); });
    const client = await DapSocketClient.connect('127.0.0.1', srv.port);
    client.onEvent(() => { throw new Error('listener bug'); });
    const body = await client.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: '1' });
    assert.equal(body.result, 'after');
    await client.close();
  });
});
