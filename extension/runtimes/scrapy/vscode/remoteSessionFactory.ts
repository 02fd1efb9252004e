// `scrapy` (remote control) sessions: the same PythonEngine as under debugpy and telnet, over the
// adapter's own attachment, so Debug Console code and the views' agent calls share one queue and
// the engine ends exactly when the session does.
import type * as vscode from 'vscode';
import { PythonEngine } from '../../python/pythonEngine';
import { AgentBundle, loadAgentBundle } from '../../python/agentBundle';
import { DeferredEvaluator } from '../deferredEvaluator';
import { REMOTE_JOB_STEP_BUDGET_MS } from '../remote/remoteControlEvaluator';
import { SCRAPY_REMOTE_TYPE } from '../adapter/scrapyRemoteSession';
import type { Logger } from '../../../ui/logger';
import type { SessionEngineFactory, SessionEngineHandle } from '../../../ui/sessions/engineFactory';
import type { RemoteAdapters } from './scrapyRemoteDebugType';
import { creationSitesSettings, watchCreationSites } from '../../python/vscode/creationSitesSettings';
import { offerTracemalloc } from '../../python/vscode/tracemallocOffer';

export class RemoteSessionFactory implements SessionEngineFactory {
  readonly debugTypes = [SCRAPY_REMOTE_TYPE];
  private bundle: AgentBundle | undefined;

  constructor(private readonly agentDir: string, private readonly adapters: RemoteAdapters, private readonly logger: Logger) {}

  /** The agent's sys.modules key (the adapter keeps the agent in the crawl's stash under ours). */
  agentModuleKey(): string {
    this.bundle ??= loadAgentBundle(this.agentDir);
    return this.bundle.moduleKey;
  }

  create(session: vscode.DebugSession): SessionEngineHandle {
    this.bundle ??= loadAgentBundle(this.agentDir);
    const adapter = this.adapters.get(session.id);
    const evaluator = new DeferredEvaluator(adapter.then((a) => a.whenConnected()).then((a) => a.evaluator),
      `Scrapy remote control (${session.name})`, REMOTE_JOB_STEP_BUDGET_MS, undefined, true);
    const log = (line: string) => this.logger.trace(`[${session.name}] ${line}`);
    const engine = new PythonEngine(evaluator, this.bundle, log, creationSitesSettings());
    const sitesWatch = watchCreationSites(engine, log);
    // Release the agent's handles in the crawl before the adapter removes our stash entry.
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
