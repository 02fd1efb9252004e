// scrapy-telnet sessions: the same PythonEngine as under debugpy, over the adapter's own telnet
// connection. Sharing that one login (rather than opening a second) means one password prompt,
// one queue — Debug Console lines and the views' agent calls never interleave on the wire, and
// the manhole runs each line on the crawl's reactor thread anyway, so a second connection would
// buy no parallelism — and the engine ends exactly when the session does.
import type * as vscode from 'vscode';
import { PythonEngine } from '../../python/pythonEngine';
import { AgentBundle, loadAgentBundle } from '../../python/agentBundle';
import { DeferredEvaluator } from '../deferredEvaluator';
import { TELNET_JOB_STEP_BUDGET_MS, TelnetEvaluator } from '../telnet/telnetEvaluator';
import { SCRAPY_TELNET_TYPE } from '../adapter/scrapyTelnetSession';
import type { Logger } from '../../../ui/logger';
import type { SessionEngineFactory, SessionEngineHandle } from '../../../ui/sessions/engineFactory';
import type { TelnetAdapters } from './scrapyTelnetDebugType';
import { creationSitesSettings, watchCreationSites } from '../../python/vscode/creationSitesSettings';
import { offerTracemalloc } from '../../python/vscode/tracemallocOffer';

export class TelnetSessionFactory implements SessionEngineFactory {
  readonly debugTypes = [SCRAPY_TELNET_TYPE];
  private bundle: AgentBundle | undefined;

  constructor(private readonly agentDir: string, private readonly adapters: TelnetAdapters, private readonly logger: Logger) {}

  create(session: vscode.DebugSession): SessionEngineHandle {
    this.bundle ??= loadAgentBundle(this.agentDir);
    const adapter = this.adapters.get(session.id);
    const evaluator = new DeferredEvaluator(adapter.then((a) => a.whenConnected()).then((client) => TelnetEvaluator.over(client)),
      `Scrapy telnet console (${session.name})`, TELNET_JOB_STEP_BUDGET_MS);
    const engine = new PythonEngine(evaluator, this.bundle, (line) => this.logger.trace(`[${session.name}] ${line}`), creationSitesSettings());
    const sitesWatch = watchCreationSites(engine, (line) => this.logger.trace(`[${session.name}] ${line}`));
    // Release the agent's handles in the crawl before the adapter closes the connection.
    void adapter.then((a) => a.onWillDisconnect(() => engine.releaseAll()));
    return {
      engine,
      offerAllocationTracing: () => offerTracemalloc(this.logger, session.configuration.name),
      close: (reason) => {
        sitesWatch.dispose();
        evaluator.close(reason);
        engine.dispose();
      },
    };
  }
}
