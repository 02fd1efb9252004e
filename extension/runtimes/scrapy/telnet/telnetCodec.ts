// Telnet byte layer for Scrapy's telnet console (RFC 854 / 1143): IAC escaping, option
// negotiation and subnegotiation. Knows nothing of terminals or of the console session.
//
// Negotiation, as measured against Twisted 22.4 (Debian 12): before the password the server
// offers WILL ECHO, after it WONT ECHO, and it only checks the password once the client has
// answered that WONT with DONT — a client that ignores negotiation stalls there, and one that
// answers late leaves Twisted negotiating (`AlreadyNegotiating` in the crawl's log). After login
// it asks DO LINEMODE, DO NAWS, DO SGA and offers WILL ECHO. Refusing a DO (WONT) is legal telnet
// but Twisted logs every refusal as a CRITICAL "Error do" traceback in the crawl's log, so by
// default the codec agrees to those three (it never sends NAWS or LINEMODE data; the manhole
// does not need them) and refuses everything else. `REFUSE_DO_POLICY` keeps the refusing
// behaviour for comparison.

export const IAC = 255;
export const DONT = 254;
export const DO = 253;
export const WONT = 252;
export const WILL = 251;
export const SB = 250;
export const SE = 240;

export const OPT_ECHO = 1;
export const OPT_SGA = 3;
export const OPT_NAWS = 31;
export const OPT_LINEMODE = 34;

export interface NegotiationPolicy {
  /** Options the server may enable on its side: WILL is answered DO, others DONT. */
  readonly remote: readonly number[];
  /** Options we enable on our side when asked: DO is answered WILL, others WONT. */
  readonly local: readonly number[];
}

export const DEFAULT_POLICY: NegotiationPolicy = {
  remote: [OPT_ECHO, OPT_SGA],
  local: [OPT_SGA, OPT_NAWS, OPT_LINEMODE],
};

/** The WILL→DO, DO→WONT, WONT→DONT, DONT→WONT policy: works, but Twisted logs each refused DO. */
export const REFUSE_DO_POLICY: NegotiationPolicy = { remote: [OPT_ECHO, OPT_SGA], local: [] };

const COMMAND_NAMES: Record<number, string> = { [WILL]: 'WILL', [WONT]: 'WONT', [DO]: 'DO', [DONT]: 'DONT' };

export interface NegotiationEvent {
  received: string;
  option: number;
  /** The reply sent, if any (none when the request repeats the current state). */
  sent?: string;
}

/**
 * Telnet byte layer. `decode` strips telnet commands out of received bytes, answers option
 * negotiation through `send` and returns the application data (IAC IAC → one 0xFF byte). The
 * state carries over between chunks, so a command split across two TCP reads is handled.
 * Follows RFC 1143's rule of not acknowledging a request for the state an option is already in,
 * so two correct peers never loop.
 */
export class TelnetCodec {
  private state: 'data' | 'iac' | 'option' | 'sb' | 'sbIac' = 'data';
  private command = 0;
  private sbBytes: number[] = [];
  /** Options enabled on the server's side (it WILL), and on ours (we WILL). */
  private readonly him = new Set<number>();
  private readonly us = new Set<number>();
  readonly events: NegotiationEvent[] = [];
  /** Subnegotiations received (option, payload), for diagnostics; content is ignored. */
  readonly subnegotiations: Array<{ option: number; data: number[] }> = [];

  constructor(private readonly send: (bytes: Buffer) => void, private readonly policy: NegotiationPolicy = DEFAULT_POLICY) {}

  remoteEnabled(option: number): boolean {
    return this.him.has(option);
  }

  localEnabled(option: number): boolean {
    return this.us.has(option);
  }

  decode(chunk: Buffer): Buffer {
    if (this.state === 'data' && chunk.indexOf(IAC) < 0) return chunk;
    const out = Buffer.allocUnsafe(chunk.length);
    let n = 0;
    for (const byte of chunk) {
      switch (this.state) {
        case 'data':
          if (byte === IAC) this.state = 'iac';
          else out[n++] = byte;
          break;
        case 'iac':
          if (byte === IAC) {
            out[n++] = IAC;
            this.state = 'data';
          } else if (byte === WILL || byte === WONT || byte === DO || byte === DONT) {
            this.command = byte;
            this.state = 'option';
          } else if (byte === SB) {
            this.sbBytes = [];
            this.state = 'sb';
          } else {
            // NOP, GA, AYT, DM…: two-byte commands with nothing to do for a line client.
            this.state = 'data';
          }
          break;
        case 'option':
          this.negotiate(this.command, byte);
          this.state = 'data';
          break;
        case 'sb':
          if (byte === IAC) this.state = 'sbIac';
          else if (this.sbBytes.length < 256) this.sbBytes.push(byte);
          break;
        case 'sbIac':
          if (byte === SE) {
            if (this.sbBytes.length) this.subnegotiations.push({ option: this.sbBytes[0], data: this.sbBytes.slice(1) });
            this.state = 'data';
          } else {
            if (byte === IAC && this.sbBytes.length < 256) this.sbBytes.push(IAC);
            this.state = 'sb';
          }
          break;
      }
    }
    return out.subarray(0, n);
  }

  /** Application data ready to write: every 0xFF byte doubled. */
  static escape(data: Buffer): Buffer {
    if (data.indexOf(IAC) < 0) return data;
    const out: number[] = [];
    for (const byte of data) {
      out.push(byte);
      if (byte === IAC) out.push(IAC);
    }
    return Buffer.from(out);
  }

  private negotiate(command: number, option: number): void {
    let reply: number | undefined;
    switch (command) {
      case WILL:
        if (!this.policy.remote.includes(option)) reply = DONT;
        else if (!this.him.has(option)) {
          this.him.add(option);
          reply = DO;
        }
        break;
      case WONT:
        if (this.him.has(option)) {
          this.him.delete(option);
          reply = DONT;
        }
        break;
      case DO:
        if (!this.policy.local.includes(option)) reply = WONT;
        else if (!this.us.has(option)) {
          this.us.add(option);
          reply = WILL;
        }
        break;
      case DONT:
        if (this.us.has(option)) {
          this.us.delete(option);
          reply = WONT;
        }
        break;
    }
    this.events.push({ received: COMMAND_NAMES[command], option, sent: reply === undefined ? undefined : COMMAND_NAMES[reply] });
    if (this.events.length > 200) this.events.splice(0, 100);
    if (reply !== undefined) this.send(Buffer.from([IAC, reply, option]));
  }
}
