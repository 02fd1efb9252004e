// `liveref ages | mark | diff`: the time commands of the CLI (issue "when did it leak?"). The mark
// lives in the program, so `mark` and `diff` can be separate runs.
import type { LiveRefsEngine } from '../core/liveRefsEngine';
import type { AgeHistogram, HeapMarkInfo, Partition } from '../core/types';
import { omitted, omittedLine, parseLimit } from './cliPartition';

export const TIME_COMMANDS = ['ages', 'mark', 'diff'];

export const TIME_USAGE = `  ages CLASS                  age histogram of CLASS's live objects (--scale log|linear, --bins N)
  mark                        remember the live heap in the program (Guppy's setrelheap)
  diff                        the heap by type since the mark: count, size and their change
`;

type Out = (text: string, data: unknown) => void;
type Values = Record<string, unknown>;

const num = (n: number) => n.toLocaleString('en-US');
const signed = (n: number) => (n > 0 ? `+${num(n)}` : num(n));
const seconds = (s: number) => (s < 10 ? s.toFixed(1) : String(Math.round(s)));

export function formatAges(h: AgeHistogram): string {
  const before = h.beforeAttach ? `; ${num(h.beforeAttach)} more created before Live References attached (age unknown)` : '';
  const head = `${h.className}: ${num(h.count)} live objects, oldest ${h.oldestAgeS === null ? '?' : seconds(h.oldestAgeS)}s (${h.scale} buckets)${before}`;
  const max = Math.max(1, ...h.buckets.map((b) => b.count));
  const rows = h.buckets.map((b) => `${seconds(b.lowS).padStart(8)} – ${seconds(b.highS).padStart(8)} s ${String(b.count).padStart(9)}  ${'█'.repeat(Math.round((40 * b.count) / max))}`);
  return [head, ...rows].join('\n');
}

export function formatMark(m: HeapMarkInfo): string {
  return `marked ${num(m.count)} objects (${num(m.size)} bytes) in ${num(m.elapsedMs)} ms; the mark takes ${num(m.markBytes)} bytes in the program`;
}

export function formatDiff(p: Partition, nowS = Date.now() / 1000): string {
  const since = p.markedAt === undefined ? '' : ` (mark taken ${seconds(Math.max(0, nowS - p.markedAt))}s ago)`;
  const head = `Heap since mark${since}: ${num(p.totalCount)} objects, ${num(p.totalSize)} bytes.`;
  const columns = `${'Count'.padStart(10)} ${'ΔCount'.padStart(10)} ${'Size'.padStart(12)} ${'ΔSize'.padStart(12)} ${'New'.padStart(9)}  Type`;
  const rows = p.rows.map((r) => `${num(r.count).padStart(10)} ${signed(r.countDelta ?? 0).padStart(10)} ${num(r.size).padStart(12)} ${signed(r.sizeDelta ?? 0).padStart(12)} ${(r.newCount === undefined ? '?' : num(r.newCount)).padStart(9)}  ${r.label}`);
  return [head, columns, ...rows].join('\n');
}

export async function runTimeCommand(engine: LiveRefsEngine, command: string, className: string | undefined, values: Values, out: Out): Promise<number> {
  switch (command) {
    case 'ages': {
      const scale = values.scale === 'linear' ? 'linear' : 'log';
      const histogram = await engine.ages({ className: className!, scale, bins: values.bins ? Number(values.bins) : undefined });
      out(formatAges(histogram), histogram);
      return 0;
    }
    case 'mark': {
      const mark = await engine.markHeap();
      out(formatMark(mark), mark);
      return 0;
    }
    default: {
      const limit = parseLimit(values.limit, 30);
      const p = await engine.partition({ by: 'type', sinceMark: true, limit, samples: 0 });
      const rows = p.rows.map(({ label, count, size, countDelta, sizeDelta, newCount, newSize }) => ({ label, count, size, countDelta, sizeDelta, newCount, newSize }));
      const more = omittedLine(p);
      out(formatDiff(p) + (more ? `\n${more}` : ''), { markedAt: p.markedAt, totalCount: p.totalCount, totalSize: p.totalSize, elapsedMs: p.elapsedMs, rows, ...omitted(p) });
      return 0;
    }
  }
}
