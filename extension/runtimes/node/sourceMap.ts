// Just enough of Source Map v3 to turn a generated (line, column) into an original one: decode the
// VLQ `mappings` once per map, then look up the last segment at or before the column.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface RawMap {
  sources: string[];
  sourceRoot?: string;
  mappings: string;
}

/** [generatedColumn, sourceIndex, originalLine, originalColumn] per segment, per generated line. */
type Segment = [number, number, number, number];

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = B64_INDEX.get(char);
    if (digit === undefined) throw new Error(`bad VLQ character ${char}`);
    value += (digit & 31) << shift;
    if (digit & 32) { shift += 5; continue; }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

export class SourceMap {
  private readonly lines: Segment[][];
  private readonly sources: string[];

  constructor(raw: RawMap, mapUrl: string) {
    const root = raw.sourceRoot ? raw.sourceRoot.replace(/\/?$/, '/') : '';
    this.sources = raw.sources.map((s) => resolveUrl(root + s, mapUrl));
    let source = 0, line = 0, column = 0;
    this.lines = raw.mappings.split(';').map((group) => {
      let generated = 0;
      const segments: Segment[] = [];
      for (const part of group.split(',')) {
        if (!part) continue;
        const v = decodeVlq(part);
        generated += v[0];
        if (v.length < 4) continue;
        source += v[1]; line += v[2]; column += v[3];
        segments.push([generated, source, line, column]);
      }
      return segments;
    });
  }

  /** 0-based generated position → original file URL and 0-based line, or undefined. */
  original(line: number, column: number): { url: string; line: number } | undefined {
    const segments = this.lines[line];
    if (!segments?.length) return undefined;
    let best = segments[0];
    for (const s of segments) if (s[0] <= column) best = s; else break;
    return { url: this.sources[best[1]], line: best[2] };
  }
}

function resolveUrl(relative: string, base: string): string {
  try {
    return new URL(relative, base).href;
  } catch {
    return relative;
  }
}

/** file:// URLs become paths; anything else (node:, http:, webpack://) stays as reported. */
export function urlToPath(url: string): string {
  if (url.startsWith('file://')) {
    try { return fileURLToPath(url); } catch { return url; }
  }
  return url;
}

/** Loads the map a script names (data: URL or a file next to it); undefined when unreadable. */
export function loadSourceMap(scriptUrl: string, sourceMapUrl: string): SourceMap | undefined {
  try {
    const base = scriptUrl.startsWith('/') ? pathToFileURL(scriptUrl).href : scriptUrl;
    if (sourceMapUrl.startsWith('data:')) {
      const comma = sourceMapUrl.indexOf(',');
      const meta = sourceMapUrl.slice(0, comma);
      const body = sourceMapUrl.slice(comma + 1);
      const text = meta.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
      return new SourceMap(JSON.parse(text) as RawMap, base);
    }
    const mapUrl = resolveUrl(sourceMapUrl, base);
    if (!mapUrl.startsWith('file://')) return undefined;
    const file = fileURLToPath(mapUrl);
    return new SourceMap(JSON.parse(fs.readFileSync(file, 'utf8')) as RawMap, pathToFileURL(path.resolve(file)).href);
  } catch {
    return undefined;
  }
}
