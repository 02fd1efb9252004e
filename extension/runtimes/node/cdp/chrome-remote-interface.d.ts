// chrome-remote-interface ships no types; we use only its connect function and the client's
// send / on / removeListener / close (typed at the one place that calls it, cdpConnection.ts).
declare module 'chrome-remote-interface' {
  function CDP(options: { host?: string; port?: number; local?: boolean; target?: string }): Promise<unknown>;
  export default CDP;
}
