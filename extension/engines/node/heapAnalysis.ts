// Heap snapshot work for the Node engine: partitions by type and by via, and retainer chains.
import type { Partition, PartitionRequest, WhyResult } from '../../shared/types';
import type { CdpConnection } from '../../transports/cdpConnection';
import { EngineError, LongCallOptions } from '../liveRefsEngine';
import type { PageCalls } from './pageCalls';
import type { ScriptCatalog } from './scriptCatalog';
import type { TrackedClass } from './classTracker';

export class HeapAnalysis {
  constructor(
    private readonly cdp: CdpConnection,
    private readonly page: PageCalls,
    private readonly scripts: ScriptCatalog,
    private readonly log: (line: string) => void,
  ) {}

  async partition(_request: PartitionRequest, _tracked: TrackedClass | undefined, _options?: LongCallOptions): Promise<Partition> {
    throw new EngineError('unavailable', 'Heap partitions of Node.js programs are not available yet.');
  }

  async why(_handle: string, _options?: LongCallOptions): Promise<WhyResult> {
    throw new EngineError('unavailable', 'Why is this alive? is not available for Node.js programs yet.');
  }

  dispose(): void {
    // Nothing held yet.
  }
}
