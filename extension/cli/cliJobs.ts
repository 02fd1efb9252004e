// `liveref jobs` and the `--job PID [--jobs-dir DIR]` connection: Scrapy 2.19+ crawls found
// through their remote-control job files. Tokens never reach stdout, stderr or the JSON.
import { defaultJobsDir, listJobs, noJobsMessage, RemoteJob } from '../runtimes/scrapy/remote/jobFiles';
import { connectRemoteControl } from '../runtimes/scrapy/remote/connectRemote';
import { PythonEngine, CreationSitesOptions } from '../runtimes/python/pythonEngine';
import { loadAgentBundle } from '../runtimes/python/agentBundle';
import { formatUptime } from '../runtimes/scrapy/adapter/consoleCode';

export const JOBS_USAGE = `  jobs                        running Scrapy 2.19+ crawls (remote-control job files); --jobs-dir DIR, --json
`;
export const JOB_CONNECTION_USAGE = `  --job PID                   a Scrapy 2.19+ crawl's remote control (no password; token from its job file)
  --jobs-dir DIR              where the job files are (REMOTE_CONTROL_JOBS_DIR; default ~/.local/state/scrapy/job_files)
`;

function jobJson(job: RemoteJob) {
  return { pid: job.pid, spider: job.spider, project: job.project, port: job.port, scrapyVersion: job.scrapyVersion, startTime: job.startTime };
}

/** Prints the running crawls; problems (refused or unreadable files) go to stderr. Exit 0 even with none. */
export function runJobsCommand(jobsDir: string | undefined, json: boolean): number {
  const listing = listJobs(jobsDir ?? defaultJobsDir());
  for (const problem of listing.problems) process.stderr.write(`liveref: ${problem.message}\n`);
  if (json) {
    process.stdout.write(JSON.stringify(listing.jobs.map(jobJson), null, 2) + '\n');
    return 0;
  }
  if (!listing.jobs.length) {
    process.stdout.write(noJobsMessage(listing.dir) + '\n');
    return 0;
  }
  const now = Date.now() / 1000;
  const rows = listing.jobs.map((j) => [String(j.pid), j.spider, j.project, formatUptime(Math.max(0, now - j.startTime)), String(j.port), j.scrapyVersion]);
  const header = ['PID', 'SPIDER', 'PROJECT', 'UP', 'PORT', 'SCRAPY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  process.stdout.write([line(header), ...rows.map(line)].join('\n') + '\n');
  return 0;
}

/** `--job PID`: the agent over /execute. close() releases the agent's handles and our `stash` entry. */
export async function connectJob(pidText: string, jobsDir: string | undefined, sites: CreationSitesOptions, log?: (line: string) => void) {
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`--job expects a process id, got ${pidText}`);
  const bundle = loadAgentBundle();
  const { evaluator } = await connectRemoteControl({ pid, jobsDir, agentModuleKey: bundle.moduleKey });
  const engine = new PythonEngine(evaluator, bundle, log, sites);
  return { engine, close: async () => { await engine.releaseAll().catch(() => undefined); await evaluator.close(); } };
}
