// How a transport (DAP, telnet, CDP, HTTP) failed, in terms the UI can word for the user.
export type TransportErrorCode =
  | 'timeout'
  | 'cancelled'
  | 'disconnected'
  | 'connect'
  | 'auth'
  | 'protocol'
  | 'remote';

export class TransportError extends Error {
  constructor(readonly code: TransportErrorCode, message: string) {
    super(message);
    this.name = 'TransportError';
  }
}
