// Python under debugpy inside VS Code: the session factory, and the launch-configuration
// providers that put the creation-site hook (and, when asked, tracemalloc) on every launch.
import type { RuntimeActivation, RuntimeHost } from '../../../ui/sessions/engineFactory';
import { PythonSessionFactory } from './pythonSessionFactory';
import { registerCreationSites } from './creationSitesProvider';
import { registerTraceAllocations } from './traceAllocationsProvider';

export function activatePython(host: RuntimeHost): RuntimeActivation {
  return {
    factories: [new PythonSessionFactory(host.agentDir, host.logger)],
    disposables: [...registerTraceAllocations(), ...registerCreationSites(host.agentDir)],
  };
}
