// Where a Node holder is declared, found in its script's source (holderSource.ts): the module
// variable's declaration, not a function's local of the same name or a later use; a static
// property in its class body, or assigned to the class later.
import * as assert from 'node:assert/strict';
import { declarationLine, staticLine } from '../../extension/runtimes/node/holderSource';

const source = [
  "'use strict';", //                                      0
  'function fill() {', //                                 1
  '  const store = [];', //                               2  a local of the same name
  '  store.push(1);', //                                  3
  '}', //                                                 4
  'const store = new Map();', //                          5
  'let { seen, other } = make();', //                     6
  'export const cache$ = {};', //                         7
  'class Catalog {', //                                   8
  '  static count = 0;', //                               9
  '  static featured = [];', //                           10
  '  static get total() { return 1; }', //                11
  '}', //                                                 12
  'Catalog.late = [];', //                                13
  'export default function handler() {}', //              14
  "import { readFile as load } from 'node:fs';", //       15
  'var storeroom = 1;', //                                16
].join('\n');

describe('Node holders: the declaring line in the script source', () => {
  it('finds a module variable\'s top-level declaration before a local of the same name', () => {
    assert.equal(declarationLine(source, 'store'), 5);
  });

  it('finds names bound by destructuring, exports with $ in them, functions and imports', () => {
    assert.equal(declarationLine(source, 'seen'), 6);
    assert.equal(declarationLine(source, 'other'), 6);
    assert.equal(declarationLine(source, 'cache$'), 7);
    assert.equal(declarationLine(source, 'handler'), 14);
    assert.equal(declarationLine(source, 'load'), 15);
    assert.equal(declarationLine(source, 'Catalog'), 8);
  });

  it('takes an indented declaration when there is no top-level one, and none for an unknown name', () => {
    assert.equal(declarationLine('function f() {\n  var hidden = 1;\n}', 'hidden'), 1);
    assert.equal(declarationLine(source, 'missing'), undefined);
    assert.equal(declarationLine(source, 'not a name'), undefined);
    assert.equal(declarationLine(source, 'stor'), undefined, 'a prefix of a name is not the name');
  });

  it('finds a static property in its class body, or where it is assigned to the class', () => {
    assert.equal(staticLine(source, 8, 'Catalog', 'featured'), 10);
    assert.equal(staticLine(source, 8, 'Catalog', 'count'), 9);
    assert.equal(staticLine(source, 8, 'Catalog', 'total'), 11);
    assert.equal(staticLine(source, 8, 'Catalog', 'late'), 13);
  });

  it('falls back to the class line when the property is defined nowhere it can see', () => {
    assert.equal(staticLine(source, 8, 'Catalog', 'computed'), 8);
  });
});
