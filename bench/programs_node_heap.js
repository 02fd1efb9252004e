// A Node.js heap of about BENCH_HEAP_MB megabytes (default 80) made of crawler-like objects:
// Requests whose meta.referer holds a Response with a unique body and headers, all kept alive.
// Prints READY <usedMB> when built, then idles until killed.
'use strict';

class Request {
  constructor(url, meta) { this.url = url; this.meta = meta; this.headers = { accept: 'text/html' }; }
}
class Response {
  constructor(url, body) { this.url = url; this.body = body; this.status = 200; this.headers = { 'content-type': 'text/html', length: body.length }; }
}

const target = Number(process.env.BENCH_HEAP_MB || 80) * 1024 * 1024;
const kept = [];
let i = 0;
while (process.memoryUsage().heapUsed < target) {
  for (let k = 0; k < 10_000; k++, i++) {
    const response = new Response(`http://127.0.0.1/page/${i}`, `<html><body>page ${i} ${'x'.repeat(i % 64)}</body></html>`);
    kept.push(new Request(`http://127.0.0.1/page/${i + 1}`, { referer: response, depth: i }));
  }
}
console.log(`READY ${Math.round(process.memoryUsage().heapUsed / 1048576)} ${i}`);
// The interval closes over `kept`, so the heap stays reachable (and the classes with it).
setInterval(() => kept.length, 1000);
