// `liveref`: the engines without VS Code. Attaches to a running program over debugpy or Scrapy's
// telnet console and prints what the Live References view shows.
import { parseArgs } from 'node:util';
import type { LiveRefsEngine } from '../core/liveRefsEngine';
import { PythonEngine } from '../runtimes/python/pythonEngine';
import { NodeEngine } from '../runtimes/node/nodeEngine';
import { connectCdp } from '../runtimes/node/cdp/cdpConnection';
import { connectDebugpy } from '../runtimes/python/dap/dapSocketClient';
import { TelnetEvaluator } from '../runtimes/scrapy/telnet/telnetEvaluator';
import { runStdioAdapter } from '../runtimes/scrapy/adapter/stdioAdapter';
import { formatLiveRefs } from '../core/prefsFormat';
import type { ObjectSummary, RetainedResult, WhyResult } from '../core/types';
import { describeUserCodeRule, formatSite, missingLeakSiteHint } from './siteFormat';
import { creationSitesEnv, parseClassList } from '../runtimes/python/launchEnv';
import { classTrackingNotes } from './classTrackingText';
import { findAgentDir } from '../runtimes/python/agentBundle';
import type { CreationSitesOptions } from '../runtimes/python/pythonEngine';
import { runTimeCommand, TIME_COMMANDS, TIME_USAGE } from './cliTime';
import { formatPartition, LimitError, parseLimit, partitionJson, PARTITION_USAGE } from './cliPartition';
import { connectJob, JOB_CONNECTION_USAGE, JOBS_USAGE, runJobsCommand } from './cliJobs';

const USAGE = `usage: liveref <command> [options]

commands:
  prefs                       live objects per tracked class (Scrapy's prefs())
  oldest CLASS                the oldest live object of CLASS (get_oldest)
  iter CLASS                  every live object of CLASS (iter_all)
  why CLASS                   why the oldest object of CLASS is alive: referrer chain with file:line
  partition --by type|via     heap partition (Guppy's bytype / byvia); --retained adds each row's retained size
  retained CLASS              what releasing CLASS's live objects would free (--via LABEL: one by-via row)
  env                         shell lines that make a Python program record creation sites from its
                              first line: eval "$(liveref env)"; python3 -m debugpy … (no connection);
                              with --track A,B the program also tracks those classes from its first line
  dap                         the scrapy-telnet debug adapter on stdin/stdout (DAP), for any DAP client
${JOBS_USAGE}${TIME_USAGE}
connection (one of):
  --debugpy HOST:PORT         a program started with python -m debugpy --listen HOST:PORT
  --telnet HOST:PORT          Scrapy's telnet console; the password is read from --password-env
  --password-env VAR          environment variable holding the telnet password
  --inspect HOST:PORT         a Node.js program started with node --inspect=HOST:PORT
${JOB_CONNECTION_USAGE}
options:
  --json                      machine-readable output
  --ignore CLASS              hide CLASS and its subclasses (repeatable), like prefs(ignore=…)
${PARTITION_USAGE}  --filter TEXT               iter: only objects whose url or repr contains TEXT
  --type NAME | --class NAME  the set to partition by via
  --retained                  partition: add a retained {count, size} to the rows
  --via LABEL                 retained: only the objects of CLASS in this by-via row
  --fail-over CLASS=N         exit 1 when CLASS has more than N live objects (repeatable)
  --no-creation-sites         do not install the creation-site hook (trackref); one already there stays
  --library-modules A,B       packages that are not user code for leak sites (default scrapy,twisted)
  --track A,B                 classes to track: Python (Class or package.module.Class; ages, oldest, sites
                              like trackref's) and Node.js (module-scoped classes are found by name)
  --discover N                also track the N most numerous user-defined classes (Node.js default 10,
                              Python default 0)
`;

class UsageError extends Error {}

/** LIVEREF_TRACE=1 prints each agent call and its duration to stderr. */
const trace = process.env.LIVEREF_TRACE ? (line: string) => process.stderr.write(`[liveref] ${line}\n`) : undefined;

function parseHostPort(value: string, flag: string): [string, number] {
  const match = /^(.*):(\d+)$/.exec(value);
  if (!match) throw new UsageError(`${flag} expects HOST:PORT, got ${value}`);
  return [match[1] || '127.0.0.1', Number(match[2])];
}

async function connect(values: Record<string, unknown>): Promise<{ engine: LiveRefsEngine; close(): Promise<void> }> {
  if (typeof values.inspect === 'string') {
    const [host, port] = parseHostPort(values.inspect, '--inspect');
    const cdp = await connectCdp({ kind: 'inspect', host, port });
    const track = typeof values.track === 'string' ? values.track.split(',').map((s) => s.trim()).filter(Boolean) : [];
    const discoverTop = values.discover === undefined ? 10 : Number(values.discover);
    const engine = new NodeEngine(cdp, { trackedClasses: () => track, discoverTop, log: trace });
    return { engine, close: async () => { await engine.releaseAll().catch(() => undefined); engine.dispose(); await cdp.close(); } };
  }
  if (typeof values.debugpy === 'string') {
    const [host, port] = parseHostPort(values.debugpy, '--debugpy');
    const { evaluator, client } = await connectDebugpy(host, port);
    const engine = new PythonEngine(evaluator, undefined, trace, sitesOptions(values));
    await discoverPython(engine, values);
    return { engine, close: async () => { await engine.releaseAll().catch(() => undefined); await client.close(); } };
  }
  if (typeof values.job === 'string') {
    return connectJob(values.job, typeof values['jobs-dir'] === 'string' ? values['jobs-dir'] : undefined, sitesOptions(values), trace);
  }
  if (typeof values.telnet === 'string') {
    const [host, port] = parseHostPort(values.telnet, '--telnet');
    const variable = typeof values['password-env'] === 'string' ? values['password-env'] : undefined;
    const password = variable ? process.env[variable] : undefined;
    if (!variable || password === undefined) throw new UsageError('--telnet needs --password-env VAR naming an environment variable that holds the password');
    const evaluator = await TelnetEvaluator.connect({ host, port, password });
    const engine = new PythonEngine(evaluator, undefined, trace, sitesOptions(values));
    await discoverPython(engine, values);
    return { engine, close: async () => { await engine.releaseAll().catch(() => undefined); evaluator.dispose(); } };
  }
  throw new UsageError('give --debugpy HOST:PORT, --telnet HOST:PORT --password-env VAR, --job PID or --inspect HOST:PORT');
}

function sitesOptions(values: Record<string, unknown>): CreationSitesOptions {
  const modules = typeof values['library-modules'] === 'string' ? values['library-modules'].split(',').map((m) => m.trim()).filter(Boolean) : undefined;
  const trackedClasses = typeof values.track === 'string' ? parseClassList(values.track) : [];
  return { enabled: values['no-creation-sites'] ? 'leave' : true, libraryModules: modules, trackedClasses };
}

/** --discover N for Python: tracks the N user-defined classes with the most live instances. */
async function discoverPython(engine: PythonEngine, values: Record<string, unknown>): Promise<void> {
  const top = values.discover === undefined ? 0 : Number(values.discover);
  if (!Number.isInteger(top) || top < 0) throw new UsageError(`--discover expects a count, got ${String(values.discover)}`);
  if (top > 0) await engine.trackClasses((await engine.discoverClasses(top)).map((c) => c.name));
}

/** `liveref env`: POSIX shell lines that put the creation-site hook on the program's PYTHONPATH
 *  (and, with --track, the classes it tracks from the program's first line). */
function shellEnv(track: readonly string[]): string {
  const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  return Object.entries(creationSitesEnv(findAgentDir(__dirname), {}, process.env, undefined, track)).map(([k, v]) => `export ${k}=${quote(v)}`).join('\n');
}

function describe(summary: ObjectSummary): string {
  const age = summary.createdBeforeAttach ? '  (created before Live References attached)' : summary.ageS !== undefined ? `  (${Math.trunc(summary.ageS)}s old)` : '';
  return `${summary.typeName} ${summary.url ?? summary.repr}${age}`;
}

function formatWhy(why: WhyResult): string {
  const lines = [describe(why.target)];
  for (const hop of why.hops) {
    const where = hop.allocation ? `  ${formatSite(hop.allocation)}` : hop.creationState === 'beforeAttach' ? '  (created before Live References attached)' : '';
    // A container's label says its type and size (`dict (16 keys)`): no repr of its contents.
    const referrer = hop.label ?? `${hop.referrer.typeName} ${hop.referrer.url ?? hop.referrer.repr}`;
    lines.push(`  ← ${hop.via}  ${referrer}${where}`);
  }
  lines.push(`root: ${why.rootKind}${why.rootName ? ` (${why.rootName})` : ''}`);
  if (why.leakSite) lines.push(`leak site: ${formatSite(why.leakSite)}  (${describeUserCodeRule(why.userCode)})`);
  else lines.push(missingLeakSiteHint(why));
  if (why.holder) lines.push(`holder: ${formatSite(why.holder)}  ${why.holder.name ?? ''}`.trimEnd());
  return lines.join('\n');
}

function formatRetained(r: RetainedResult): string {
  const head = `Releasing ${r.set} (${r.setCount} objects) would free ${r.count} objects, ${r.size} bytes${r.exact ? '' : ' (at least: the cycle search hit its budget)'}.`;
  const rows = r.byType.map((t) => `${String(t.count).padStart(8)} ${String(t.size).padStart(12)} ${t.label}`);
  const largest = r.largest.map((o) => `  ${String(o.size ?? 0).padStart(12)} ${describe(o)}`);
  return [head, '   Count         Size Type', ...rows, ...(largest.length ? ['largest:', ...largest] : [])].join('\n');
}

function checkGates(gates: string[], counts: Map<string, number>): string[] {
  const failures: string[] = [];
  for (const gate of gates) {
    const match = /^([\w.]+)=(\d+)$/.exec(gate);
    if (!match) throw new UsageError(`--fail-over expects CLASS=N, got ${gate}`);
    const count = counts.get(match[1]) ?? 0;
    if (count > Number(match[2])) failures.push(`${match[1]}: ${count} live objects > ${match[2]}`);
  }
  return failures;
}

async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'dap') {
    runStdioAdapter();
    return new Promise<number>(() => undefined); // the adapter ends the process on disconnect
  }
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      debugpy: { type: 'string' }, telnet: { type: 'string' }, inspect: { type: 'string' }, track: { type: 'string' }, discover: { type: 'string' }, 'password-env': { type: 'string' },
      json: { type: 'boolean' }, ignore: { type: 'string', multiple: true }, limit: { type: 'string' },
      filter: { type: 'string' }, by: { type: 'string' }, type: { type: 'string' }, class: { type: 'string' },
      'fail-over': { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' },
      retained: { type: 'boolean' }, via: { type: 'string' },
      scale: { type: 'string' }, bins: { type: 'string' },
      'no-creation-sites': { type: 'boolean' }, 'library-modules': { type: 'string' },
      job: { type: 'string' }, 'jobs-dir': { type: 'string' },
    },
  });
  const [command, className] = positionals;
  if (values.help || !command) { process.stdout.write(USAGE); return values.help ? 0 : 2; }
  if (command === 'env') { process.stdout.write(shellEnv(typeof values.track === 'string' ? parseClassList(values.track) : []) + '\n'); return 0; }
  if (command === 'jobs') return runJobsCommand(values['jobs-dir'] as string | undefined, values.json === true);
  if (['oldest', 'iter', 'why', 'ages', 'retained'].includes(command) && !className) throw new UsageError(`${command} needs a CLASS`);
  if (![...['prefs', 'oldest', 'iter', 'why', 'partition', 'retained'], ...TIME_COMMANDS].includes(command)) throw new UsageError(`unknown command ${command}`);
  const out = (text: string, data: unknown) => process.stdout.write(values.json ? JSON.stringify(data, null, 2) + '\n' : text + '\n');
  const { engine, close } = await connect(values);
  try {
    return await runCommand(engine, command, className, values, out);
  } finally {
    await close();
  }
}

async function runCommand(engine: LiveRefsEngine, command: string, className: string | undefined,
  values: ReturnType<typeof parseArgs>['values'], out: (text: string, data: unknown) => void): Promise<number> {
  if (TIME_COMMANDS.includes(command)) return runTimeCommand(engine, command, className, values, out);
  switch (command) {
    case 'prefs': {
      const snapshot = await engine.liveRefs((values.ignore as string[] | undefined) ?? []);
      out(formatLiveRefs(snapshot.rows), snapshot);
      for (const note of classTrackingNotes(snapshot.classTracking)) process.stderr.write(`note: ${note}\n`);
      const failures = checkGates((values['fail-over'] as string[] | undefined) ?? [], new Map(snapshot.rows.map((r) => [r.className, r.count])));
      for (const failure of failures) process.stderr.write(`leak gate failed: ${failure}\n`);
      return failures.length ? 1 : 0;
    }
    case 'oldest': {
      const oldest = await engine.oldest(className!);
      out(oldest ? describe(oldest) : `no live ${className}`, oldest);
      return 0;
    }
    case 'iter': {
      const limit = parseLimit(values.limit, 0) || Infinity;
      const items: ObjectSummary[] = [];
      let cursor: string | undefined;
      for (let offset = 0; items.length < limit;) {
        const page = await engine.iterAll({ className: className!, cursor, offset, limit: Math.min(500, limit - items.length), filter: values.filter as string | undefined });
        items.push(...page.items);
        cursor = page.cursor;
        offset += page.items.length;
        if (page.done || !page.items.length) break;
      }
      out(items.map(describe).join('\n'), items);
      return 0;
    }
    case 'why': {
      const oldest = await engine.oldest(className!);
      if (!oldest?.handle) { out(`no live ${className}`, null); return 0; }
      const why = await engine.why(oldest.handle);
      out(formatWhy(why), why);
      return 0;
    }
    case 'retained': {
      const result = await engine.retained({ className: className!, via: values.via as string | undefined, largest: 5 });
      out(formatRetained(result), result);
      return 0;
    }
    default: {
      const by = values.by === 'via' ? 'via' : 'type';
      const partition = await engine.partition({ by, type: values.type as string | undefined, className: values.class as string | undefined, limit: parseLimit(values.limit, 50), samples: 0, retained: values.retained === true || undefined });
      out(formatPartition(partition), partitionJson(partition));
      return 0;
    }
  }
}

run(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: Error) => {
  process.stderr.write(`liveref: ${error.message}\n`);
  if (error instanceof UsageError || error instanceof LimitError) process.stderr.write(USAGE);
  process.exitCode = 2;
});
