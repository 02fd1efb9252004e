// Node.js sessions under VS Code's JavaScript debugger (js-debug): the Node engine talks CDP to
// the program through js-debug's CDP proxy, next to the debugger, without pausing anything.
import * as vscode from 'vscode';
import { NodeEngine } from '../nodeEngine';
import { LazyCdpConnection } from '../cdp/lazyCdpConnection';
import type { Logger } from '../../../ui/logger';
import type { SessionEngineFactory, SessionEngineHandle } from '../../../ui/sessions/engineFactory';

/** Debug types js-debug registers for Node.js programs. */
export const NODE_DEBUG_TYPES = ['pwa-node', 'node', 'node-terminal'];

const REQUEST_CDP_PROXY = 'extension.js-debug.requestCDPProxy';

export class NodeSessionFactory implements SessionEngineFactory {
  readonly debugTypes = NODE_DEBUG_TYPES;

  constructor(private readonly logger: Logger) {}

  create(session: vscode.DebugSession): SessionEngineHandle | undefined {
    // js-debug's top-level session only launches or attaches; each program it debugs is a child
    // session with a pending target id, and only those have a CDP proxy.
    if (!session.configuration.__pendingTargetId) return undefined;
    const cdp = new LazyCdpConnection(`js-debug CDP proxy of ${session.name}`, async () => {
      const address = await vscode.commands.executeCommand<{ host: string; port: number; path: string } | undefined>(REQUEST_CDP_PROXY, session.id);
      if (!address) throw new Error(vscode.l10n.t('The JavaScript debugger did not open a CDP proxy for "{0}".', session.name));
      return { kind: 'proxy', ...address };
    });
    const engine = new NodeEngine(cdp, {
      trackedClasses: () => vscode.workspace.getConfiguration('liveReferences').get<string[]>('trackedClasses', []),
      log: (line) => this.logger.trace(`[${session.name}] ${line}`),
    });
    return {
      engine,
      close: (reason) => {
        engine.dispose();
        void cdp.close(reason);
      },
    };
  }
}
