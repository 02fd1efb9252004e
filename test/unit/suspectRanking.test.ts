import * as assert from 'node:assert/strict';
import { rankSuspects, Suspect } from '../../extension/ui/commands/suspectRanking';
import { formatBytes, shortTypeName } from '../../extension/core/byteSize';

const s = (className: string, size: number, growth = 0, via?: string): Suspect => ({ className, via, count: 1, growth, retained: { count: 1, size } });

describe('Leak Suspects ranking', () => {
  it('puts growing suspects first, then the largest retained size', () => {
    const ranked = rankSuspects([s('Spider', 9_000_000), s('Request', 1_000_000, 5), s('HtmlResponse', 4_000_000, 3)]);
    assert.deepEqual(ranked.map((r) => r.className), ['HtmlResponse', 'Request', 'Spider']);
  });

  it('ranks a via group that keeps most of its class right above the class, a minor one by its own size', () => {
    const ranked = rankSuspects([
      s('HtmlResponse', 4_000_000, 3), s('HtmlResponse', 3_500_000, 3, "['referer']"), s('HtmlResponse', 100_000, 3, '<member>'),
      s('Request', 2_000_000, 3),
    ]);
    assert.deepEqual(ranked.map((r) => `${r.className} ${r.via ?? '*'}`),
      ["HtmlResponse ['referer']", 'HtmlResponse *', 'Request *', 'HtmlResponse <member>']);
  });
});

describe('byte sizes', () => {
  it('formats in powers of 1000: 4.2 MB, 512 B, 16.8 KB', () => {
    assert.equal(formatBytes(4_200_000), '4.2 MB');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(16_800), '16.8 KB');
    assert.equal(formatBytes(250_000_000), '250 MB');
    assert.equal(shortTypeName('scrapy.http.headers.Headers'), 'Headers');
    assert.equal(shortTypeName('bytes'), 'bytes');
  });
});
