// The code the Node engine installs in the debuggee, once per process, under a Symbol.for key (no
// global name, nothing printed). It keeps a creation-ordered list of WeakRefs per tracked class:
// a Proxy that a one-shot conditional breakpoint binds in place of the module's class name adds
// each new instance; Runtime.queryObjects seeds what existed before. WeakRefs are cleared by the
// GC itself, so a count taken after a GC never includes garbage (a FinalizationRegistry would
// only report it a task later). Nothing here holds a user object strongly after a call returns,
// except an Iterate All cursor until it is dropped. Objects seeded at attach have no creation time
// (NaN): nothing real dates them, so they are "created before Live References attached", never
// "as old as the attach".
//
// Plain ES2022, one expression evaluated in the program's global scope (CDP Runtime.evaluate);
// it returns the hook object, and the engine calls its methods with Runtime.callFunctionOn
// (pageCalls.ts, classTracker.ts). The build bundles this file as text (pageHook.ts): these
// leading `//` lines are dropped and HOOK_SYMBOL becomes the quoted key before it is sent.
(() => {
  const key = Symbol.for(HOOK_SYMBOL);
  if (globalThis[key]) return globalThis[key];
  // Per constructor, shared by every client that tracks it (a Proxy outlives its CDP session);
  // 'classes' maps a client's ids onto them.
  const states = new Map();
  const classes = new Map();
  const cursors = new Map();
  let nextCursor = 1;
  const now = Date.now;
  const fnToString = Function.prototype.toString;
  const getBuiltin = (name) => {
    try { return process.getBuiltinModule ? process.getBuiltinModule(name) : process.mainModule && process.mainModule.require(name); } catch { return undefined; }
  };
  const util = getBuiltin('node:util');
  const isProxy = (o) => !!(util && util.types.isProxy(o));
  const clip = (s, n) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
  function shortValue(v) {
    switch (typeof v) {
      case 'string': return JSON.stringify(clip(v, 80));
      case 'number': case 'boolean': case 'bigint': return String(v);
      case 'undefined': return 'undefined';
      case 'function': return 'ƒ ' + (v.name || '');
      default: if (v === null) return 'null';
        if (Array.isArray(v)) return 'Array(' + v.length + ')';
        return (isProxy(v) ? 'Proxy' : (Object.getPrototypeOf(v) && Object.getPrototypeOf(v).constructor && Object.getPrototypeOf(v).constructor.name) || 'Object');
    }
  }
  function describe(o) {
    let name = 'Object';
    const parts = [];
    let url;
    try {
      const proto = Object.getPrototypeOf(o);
      name = (proto && Object.prototype.hasOwnProperty.call(proto, 'constructor') && proto.constructor.name) || name;
      for (const k of Object.keys(o).slice(0, 6)) {
        const d = Object.getOwnPropertyDescriptor(o, k);
        if (!d || !('value' in d)) continue;
        if (k === 'url' && typeof d.value === 'string') url = clip(d.value, 500);
        parts.push(k + ': ' + shortValue(d.value));
      }
    } catch { /* hostile object: keep what we have */ }
    return { typeName: name, repr: clip(name + ' {' + parts.join(', ') + '}', 300), url };
  }
  const known = (t) => t === t; // NaN: created before Live References attached
  /** A class's own prototype object (SpecialItem.prototype is an Item by its chain, not an instance). */
  function isPrototype(o) {
    const d = Object.getOwnPropertyDescriptor(o, 'constructor');
    return !!d && typeof d.value === 'function' && d.value.prototype === o;
  }
  function state(id) {
    const s = classes.get(id);
    if (!s) throw new Error('unknownClass ' + id);
    return s;
  }
  /** Drops dead entries in place; returns the index of the oldest live one with a known creation
   *  time (-1 when none) and sets s.before to how many live ones were created before attach. */
  function compact(s) {
    const refs = s.refs, times = s.times;
    let w = 0, oldest = -1, before = 0;
    for (let i = 0; i < refs.length; i++) {
      if (refs[i].deref() === undefined) continue;
      refs[w] = refs[i]; times[w] = times[i];
      if (!known(times[w])) before++;
      else if (oldest < 0 || times[w] < times[oldest]) oldest = w;
      w++;
    }
    refs.length = w; times.length = w;
    s.before = before;
    return oldest;
  }
  /** Oldest with a known time, else any of those created before attach (-1 when none live). */
  function oldestIndex(s) {
    const i = compact(s);
    return i >= 0 || !s.refs.length ? i : 0;
  }
  const ageMsOf = (t, time) => (known(time) ? t - time : null);
  const api = {
    /** Returns true when a Proxy (ours, from an earlier client) already counts this class. */
    track(id, ctor) {
      let s = states.get(ctor);
      if (!s) { s = { target: ctor, proto: ctor.prototype, proxy: undefined, pending: undefined, refs: [], times: [], limit: 1024 }; states.set(ctor, s); }
      classes.set(id, s);
      return !!s.proxy;
    },
    untrack(id) { classes.delete(id); return true; },
    /** Adds the objects of exactly this class that are not registered yet, as created at 'time'
     *  (null: before Live References attached). */
    seed(id, objects, time) {
      if (typeof time !== 'number') time = NaN;
      const s = state(id);
      compact(s);
      const seen = new Set();
      for (const r of s.refs) seen.add(r.deref());
      let added = 0;
      for (const o of objects) {
        if (Object.getPrototypeOf(o) !== s.proto || seen.has(o) || isPrototype(o)) continue;
        s.refs.push(new WeakRef(o)); s.times.push(time); added++;
      }
      return added;
    },
    /** Breakpoint condition, part 1: is this binding the tracked class, still unpatched? */
    want(id, fn) { const s = classes.get(id); return !!s && !s.proxy && fn === s.target; },
    /** Part 2: the Proxy the condition assigns to the module's binding. */
    proxy(id, fn) {
      const s = state(id);
      const refs = s.refs, times = s.times;
      if (s.proxy) return s.proxy;
      const p = new Proxy(fn, {
        construct(t, args, nt) {
          // Passing the target rather than the proxy as new.target costs ~70 ns instead of ~1.8 µs.
          if (nt !== p) return Reflect.construct(t, args, nt);
          const o = Reflect.construct(t, args, t);
          refs.push(new WeakRef(o)); times.push(now());
          // Amortized clean-up keeps the list near the live count even when no client reads it.
          if (refs.length > s.limit) { compact(s); s.limit = Math.max(1024, 2 * refs.length); }
          return o;
        },
      });
      s.pending = p;
      return p;
    },
    /** Part 3: runs only when the assignment succeeded; returns false so nothing ever pauses. */
    installed(id, value) { const s = classes.get(id); if (s && value === s.pending) s.proxy = value; return false; },
    /** Cheap: which classes' Proxy went in (the install poll must not walk the lists). */
    installedOf(ids) { return JSON.stringify(ids.map((id) => { const s = classes.get(id); return s ? { id, installed: !!s.proxy } : null; })); },
    counts(ids) {
      const t = now();
      return JSON.stringify(ids.map((id) => {
        const s = classes.get(id);
        if (!s) return null;
        const oldest = compact(s);
        return { id, count: s.refs.length, oldestAgeMs: oldest < 0 ? null : t - s.times[oldest], beforeAttach: s.before, installed: !!s.proxy };
      }));
    },
    oldest(id) {
      const s = state(id);
      const i = oldestIndex(s);
      return i < 0 ? undefined : s.refs[i].deref();
    },
    oldestPage(id) {
      const s = state(id);
      const i = oldestIndex(s);
      if (i < 0) return { items: [], meta: JSON.stringify({ meta: [], total: 0, done: true }) };
      const o = s.refs[i].deref();
      return { items: [o], meta: JSON.stringify({ meta: [{ ...describe(o), ageMs: ageMsOf(now(), s.times[i]) }], total: 1, done: true }) };
    },
    /** A stable, creation-ordered snapshot of the live objects matching 'filter', for paging. */
    openCursor(id, filter, minAgeS, maxAgeS, ageAt) {
      const s = state(id);
      compact(s);
      const at = typeof ageAt === 'number' ? ageAt * 1000 : now();
      const lo = typeof minAgeS === 'number' ? minAgeS * 1000 : -Infinity;
      const hi = typeof maxAgeS === 'number' ? maxAgeS * 1000 : Infinity;
      // Those created before attach come first (older than any dated one), in the order seeded.
      const order = s.refs.map((_, i) => i).sort((a, b) => (known(s.times[a]) ? s.times[a] : -Infinity) - (known(s.times[b]) ? s.times[b] : -Infinity) || a - b);
      const aged = lo !== -Infinity || hi !== Infinity;
      const needle = filter ? String(filter).toLowerCase() : '';
      const refs = [], times = [];
      for (const i of order) {
        const o = s.refs[i].deref();
        if (o === undefined) continue;
        if (aged && !known(s.times[i])) continue; // an age bar holds dated objects only
        const age = at - s.times[i];
        if (age < lo || age >= hi) continue;
        if (needle) { const d = describe(o); if (!((d.url || '').toLowerCase().includes(needle) || d.repr.toLowerCase().includes(needle))) continue; }
        refs.push(s.refs[i]); times.push(s.times[i]);
      }
      const cursor = String(nextCursor++);
      cursors.set(cursor, { refs, times });
      return cursor;
    },
    /** Live objects of one page plus their descriptions (JSON), dead ones skipped. */
    page(cursor, offset, limit) {
      const c = cursors.get(cursor);
      if (!c) throw new Error('gone cursor');
      const t = now();
      const items = [], meta = [];
      for (let i = offset; i < c.refs.length && items.length < limit; i++) {
        const o = c.refs[i].deref();
        if (o === undefined) continue;
        items.push(o);
        meta.push({ ...describe(o), ageMs: ageMsOf(t, c.times[i]) });
      }
      return { items, meta: JSON.stringify({ meta, total: c.refs.length, done: offset + limit >= c.refs.length }) };
    },
    /** Ages (s) of the live objects as a histogram: 1-2-5 steps (log) or 'bins' equal widths. */
    ages(id, scale, bins) {
      const s = state(id);
      compact(s);
      const t = now();
      const ages = s.times.filter(known).map((c) => Math.max(0, (t - c) / 1000));
      const max = ages.reduce((m, a) => (a > m ? a : m), 0);
      const edges = [];
      if (scale === 'linear') {
        const width = Math.max(max, 1e-3) / bins;
        for (let i = 0; i < bins; i++) edges.push(i * width);
        edges.push(Math.max(max, 1e-3) * (1 + 1e-9) + 1e-9);
      } else {
        edges.push(0);
        for (let exp = -1; edges[edges.length - 1] <= max; exp++) for (const m of [1, 2, 5]) { edges.push(m * 10 ** exp); if (m * 10 ** exp > max) break; }
      }
      const counts = new Array(edges.length - 1).fill(0);
      for (const a of ages) {
        let lo = 0, hi = edges.length - 1;
        while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (edges[mid] <= a) lo = mid; else hi = mid; }
        counts[Math.min(counts.length - 1, lo)]++;
      }
      const first = counts.findIndex((c) => c > 0);
      const buckets = first < 0 ? [] : counts.slice(first).map((count, i) => ({ lowS: edges[first + i], highS: edges[first + i + 1], count }));
      return JSON.stringify({ count: ages.length, now: t / 1000, oldestAgeS: ages.length ? max : null, beforeAttach: s.before, buckets });
    },
    closeCursor(cursor) { cursors.delete(cursor); return true; },
    describe(o) { return JSON.stringify(describe(o)); },
    ageOf(o) {
      for (const s of classes.values()) {
        if (Object.getPrototypeOf(o) !== s.proto) continue;
        const i = s.refs.findIndex((r) => r.deref() === o);
        return i < 0 || !known(s.times[i]) ? -1 : now() - s.times[i];
      }
      return -1;
    },
    /** The user-written classes (or constructor functions) among 'fns' named one of 'names'. */
    findClasses(fns, names) {
      const want = new Set(names);
      const out = [];
      for (const f of fns) {
        if (typeof f !== 'function' || isProxy(f) || !want.has(f.name)) continue;
        let text = '';
        try { text = fnToString.call(f); } catch { continue; }
        if (/^class\b/.test(text) || (/^function\b/.test(text) && !text.includes('[native code]'))) out.push(f);
      }
      return out;
    },
    /** Counts every object by its class (user-written classes only), for the discovered top-N. */
    census(objects, n) {
      const counts = new Map();
      const classLike = new Map();
      for (const o of objects) {
        if (isProxy(o)) continue;
        const proto = Object.getPrototypeOf(o);
        if (!proto || !Object.prototype.hasOwnProperty.call(proto, 'constructor')) continue;
        const c = proto.constructor;
        if (typeof c !== 'function' || c.prototype !== proto || isPrototype(o)) continue;
        let ok = classLike.get(c);
        if (ok === undefined) {
          let text = '';
          try { text = fnToString.call(c); } catch { /* revoked */ }
          ok = /^class\b/.test(text) || (/^function\b/.test(text) && !text.includes('[native code]'));
          classLike.set(c, ok);
        }
        if (ok) counts.set(c, (counts.get(c) || 0) + 1);
      }
      const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, n);
      return { ctors: top.map((e) => e[0]), counts: JSON.stringify(top.map((e) => e[1])) };
    },
    /** scriptId → url and source map, through an in-process inspector session (the CDP proxy of
     *  a debugger does not replay scriptParsed to a second client). */
    scripts() {
      const inspector = getBuiltin('node:inspector');
      if (!inspector) return '{}';
      const session = new inspector.Session();
      const out = {};
      session.connect();
      try {
        session.on('Debugger.scriptParsed', (m) => { out[m.params.scriptId] = [m.params.url, m.params.sourceMapURL || '']; });
        session.post('Debugger.enable');
        session.post('Debugger.disable');
      } finally { session.disconnect(); }
      return JSON.stringify(out);
    },
  };
  Object.defineProperty(globalThis, key, { value: api, enumerable: false, configurable: true });
  return api;
})()
