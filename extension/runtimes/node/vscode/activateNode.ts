// Node.js under VS Code's JavaScript debugger: the session factory and "Attach to Node.js Inspector…".
import type { RuntimeActivation, RuntimeHost } from '../../../ui/sessions/engineFactory';
import { NodeSessionFactory } from './nodeSessionFactory';
import { registerNodeAttach } from './nodeAttach';

export function activateNode(host: RuntimeHost): RuntimeActivation {
  return { factories: [new NodeSessionFactory(host.logger)], disposables: registerNodeAttach() };
}
