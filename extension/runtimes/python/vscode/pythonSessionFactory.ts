// Python sessions under debugpy: the agent is driven through DAP evaluate on the session itself.
import * as vscode from 'vscode';
import { PythonEngine } from '../pythonEngine';
import { loadAgentBundle, AgentBundle } from '../agentBundle';
import { createSessionEvaluator } from './debugSessionEvaluator';
import type { Logger } from '../../../ui/logger';
import type { SessionEngineFactory, SessionEngineHandle } from '../../../ui/sessions/engineFactory';
import { creationSitesSettings, watchCreationSites } from './creationSitesSettings';
import { offerTracemalloc } from './tracemallocOffer';

/** Debug types whose debuggee is a Python process debugged by debugpy. */
export const PYTHON_DEBUG_TYPES = ['debugpy', 'python'];

export class PythonSessionFactory implements SessionEngineFactory {
  readonly debugTypes = PYTHON_DEBUG_TYPES;
  private bundle: AgentBundle | undefined;

  constructor(private readonly agentDir: string, private readonly logger: Logger) {}

  create(session: vscode.DebugSession): SessionEngineHandle {
    this.bundle ??= loadAgentBundle(this.agentDir);
    const evaluator = createSessionEvaluator(session);
    const engine = new PythonEngine(evaluator, this.bundle, (line) => this.logger.trace(`[${session.name}] ${line}`), creationSitesSettings());
    const sitesWatch = watchCreationSites(engine, (line) => this.logger.trace(`[${session.name}] ${line}`));
    return {
      engine,
      handleEvent: (event, body) => evaluator.handleEvent(event, body),
      offerAllocationTracing: () => offerTracemalloc(this.logger, session.configuration.name),
      close: (reason) => {
        sitesWatch.dispose();
        // The engine writes its release-all first; then pending calls fail with the reason.
        engine.dispose();
        evaluator.close(reason);
      },
    };
  }
}
