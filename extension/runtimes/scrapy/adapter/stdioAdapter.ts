// `liveref dap`: the scrapy-telnet adapter as a standalone DAP server on stdin/stdout, for other
// editors' DAP clients (nvim-dap, Emacs dap-mode) and for tests. The password comes from
// `passwordEnv` or `logFile` (no SecretStorage outside VS Code). Nothing else may be written to
// stdout: it carries the protocol.
import { ScrapyTelnetSession } from './scrapyTelnetSession';

export function runStdioAdapter(): void {
  const session = new ScrapyTelnetSession();
  session.setRunAsServer(false);
  session.start(process.stdin, process.stdout);
}
