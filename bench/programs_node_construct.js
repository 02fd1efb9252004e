// Constructs 200 objects per event-loop turn of each of two identical classes, Tracked and Plain
// (the last 20,000 of each stay alive), timing each batch. stdin: "reset" zeroes the timings,
// "report" prints `REPORT {"trackedNs":…,"plainNs":…,"perTurn":200,"turns":…}` (ns per construction).
'use strict';

class Tracked {
  constructor(i) { this.url = `http://127.0.0.1/${i}`; this.meta = { depth: i }; this.status = 200; }
}
class Plain {
  constructor(i) { this.url = `http://127.0.0.1/${i}`; this.meta = { depth: i }; this.status = 200; }
}

const PER_TURN = 200;
const KEEP = 20_000;
const keepTracked = new Array(KEEP);
const keepPlain = new Array(KEEP);
let slot = 0, i = 0, turns = 0, trackedNs = 0n, plainNs = 0n;

function batchTracked() {
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < PER_TURN; k++) keepTracked[(slot + k) % KEEP] = new Tracked(i + k);
  trackedNs += process.hrtime.bigint() - t0;
}

function batchPlain() {
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < PER_TURN; k++) keepPlain[(slot + k) % KEEP] = new Plain(i + k);
  plainNs += process.hrtime.bigint() - t0;
}

function turn() {
  // Alternate the order so neither class always runs on a warmer cache.
  if (turns % 2) { batchTracked(); batchPlain(); } else { batchPlain(); batchTracked(); }
  slot = (slot + PER_TURN) % KEEP;
  i += PER_TURN;
  turns++;
  setImmediate(turn);
}
turn();

process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  for (const line of text.split('\n')) {
    if (line === 'reset') { turns = 0; trackedNs = 0n; plainNs = 0n; }
    if (line === 'report') {
      const n = turns * PER_TURN || 1;
      console.log(`REPORT ${JSON.stringify({ trackedNs: Number(trackedNs) / n, plainNs: Number(plainNs) / n, perTurn: PER_TURN, turns })}`);
    }
  }
});
console.log('READY');
