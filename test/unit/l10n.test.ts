// Every user-facing string has a Simplified Chinese translation, with the same placeholders.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '../../..');
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Record<string, string>;
const placeholders = (s: string) => (s.match(/\{\d\}/g) ?? []).sort().join(',');

describe('l10n', () => {
  it('translates every string of the runtime bundle into zh-cn with the same placeholders', () => {
    const english = read('l10n/bundle.l10n.json');
    const chinese = read('l10n/bundle.l10n.zh-cn.json');
    const missing = Object.keys(english).filter((k) => !(k in chinese));
    assert.deepEqual(missing, []);
    for (const [key, value] of Object.entries(chinese)) assert.equal(placeholders(value), placeholders(key), key);
  });

  it('translates every package.json string into zh-cn', () => {
    const english = read('package.nls.json');
    const chinese = read('package.nls.zh-cn.json');
    assert.deepEqual(Object.keys(english).filter((k) => !(k in chinese)), []);
    const manifest = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    for (const key of manifest.match(/%[\w.]+%/g) ?? []) assert.ok(key.slice(1, -1) in english, key);
  });

  it('keeps the exported English bundle in step with the source (npm run l10n)', () => {
    const english = read('l10n/bundle.l10n.json');
    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.ts')) sources.push(fs.readFileSync(full, 'utf8'));
      }
    };
    walk(path.join(root, 'extension'));
    const used = new Set<string>();
    for (const text of sources) for (const m of text.matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) used.add(m[1].replace(/\\'/g, "'"));
    assert.deepEqual([...used].filter((s) => !(s in english)), []);
  });
});
