// The agent's wire format, shared by every Python transport: marked base64 replies, and the
// custom DAP event that carries them under debugpy (agent/protocol.py, agent/README.md).
/** Custom DAP event the agent sends through pydevd's writer (agent/protocol.py, agent/README.md). */
export const AGENT_REPLY_EVENT = 'liveReferences.reply';

/**
 * The agent wraps every reply as MARK_BEGIN + base64(JSON) + MARK_END so it survives reprs,
 * quoting, terminal echo and ANSI noise on every transport.
 */
export const MARK_BEGIN = 'LRB64<';
export const MARK_END = '>LRB64';

export function extractMarkedReply(text: string): string | undefined {
  const start = text.indexOf(MARK_BEGIN);
  if (start < 0) return undefined;
  const end = text.indexOf(MARK_END, start + MARK_BEGIN.length);
  if (end < 0) return undefined;
  const b64 = text.slice(start + MARK_BEGIN.length, end).replace(/[^A-Za-z0-9+/=]/g, '');
  return Buffer.from(b64, 'base64').toString('utf8');
}
