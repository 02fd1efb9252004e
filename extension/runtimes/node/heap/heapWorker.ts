// Worker thread: parses a heap snapshot as its chunks arrive and answers partition and retainer
// queries on it, so the extension host (or the CLI) never holds or walks the graph itself.
import { parentPort } from 'node:worker_threads';
import { HeapGraph } from './heapGraph';
import { byType, byVia, mark, memberTest, retainedBy, sinceMark } from './heapQueries';
import { why } from './retainerChain';
import type { FromHeapWorker, ToHeapWorker } from './heapRpc';
import { SnapshotParser } from './snapshotParser';

const port = parentPort!;
let parser: SnapshotParser | undefined = new SnapshotParser();
let graph: HeapGraph | undefined;
const started = Date.now();
const post = (message: FromHeapWorker) => port.postMessage(message);

port.on('message', (message: ToHeapWorker) => {
  try {
    switch (message.type) {
      case 'chunk': parser?.push(message.text); return;
      case 'end': {
        const parsed = parser!.finish();
        parser = undefined;
        graph = new HeapGraph(parsed, (phase, done, total) => post({ type: 'progress', phase, done, total }));
        post({ type: 'parsed', nodeCount: parsed.nodeCount, edgeCount: parsed.edgeCount, parseMs: Date.now() - started });
        return;
      }
      case 'partition': {
        const t = Date.now();
        if (message.sinceMark) {
          post({ type: 'partition', id: message.id, result: { ...sinceMark(graph!, message.sinceMark, message.limit, message.samples), retained: [] }, ms: Date.now() - t });
          return;
        }
        const wholeHeap = message.by === 'type' || !message.className;
        const result = wholeHeap ? byType(graph!, message.limit, message.samples) : byVia(graph!, message.className!, message.limit, message.samples, message.instances);
        // Exact retained sizes cost one walk of the graph per row: only for the rows asked for.
        const retained = result.rows.slice(0, message.retainedRows).map((row) => {
          const members = memberTest(graph!, wholeHeap ? { className: row.label } : { className: message.className, instances: message.instances, via: row.label });
          const { count, size } = retainedBy(graph!, members);
          return { count, size };
        });
        post({ type: 'partition', id: message.id, result: { ...result, retained }, ms: Date.now() - t });
        return;
      }
      case 'mark': post({ type: 'mark', id: message.id, result: mark(graph!) }); return;
      case 'retained': post({ type: 'retained', id: message.id, result: retainedBy(graph!, memberTest(graph!, message.set), message.largest) }); return;
      case 'why': post({ type: 'why', id: message.id, result: why(graph!, message.nodeId) }); return;
    }
  } catch (error) {
    post({ type: 'error', id: 'id' in message ? message.id : undefined, message: (error as Error).message });
  }
});
