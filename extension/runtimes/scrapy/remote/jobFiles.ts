// Scrapy >= 2.19's remote-control job files: every crawl writes `<pid>-<uuid>.json` (mode 0600 in a
// 0700 directory) with its port and bearer token, and removes it when it stops. This module finds
// them and checks them; it never returns a token except through readJobToken(), called at connect
// time, so listings, logs and settings cannot carry one.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { english, Localizer } from '../adapter/localize';

/** A running crawl as its job file describes it (no token). */
export interface RemoteJob {
  pid: number;
  port: number;
  spider: string;
  project: string;
  scrapyVersion: string;
  /** Epoch seconds when the crawl wrote its job file. */
  startTime: number;
  file: string;
}

export type JobProblemKind = 'unreadable' | 'notOwned' | 'readableByOthers' | 'invalid';

export interface JobProblem {
  file: string;
  kind: JobProblemKind;
  message: string;
}

export interface JobListing {
  dir: string;
  jobs: RemoteJob[];
  /** Files that were refused or could not be read (stale files of dead processes are skipped silently). */
  problems: JobProblem[];
}

const JOB_NAME = /^(\d+)-[0-9a-f]+\.json$/;

/** Where Scrapy writes job files when REMOTE_CONTROL_JOBS_DIR is not set (platformdirs' user_state_dir on Linux). */
export function defaultJobsDir(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(env.HOME || os.homedir(), '.local', 'state');
  return path.join(state, 'scrapy', 'job_files');
}

/** True while a process with this pid exists (EPERM: it exists, someone else's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Refuses files a token could leak from: someone else's, or readable by group/others. */
function securityProblem(file: string, stat: fs.Stats, l10n: Localizer): JobProblem | undefined {
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    return { file, kind: 'notOwned', message: l10n.t('Refused the job file {0}: it belongs to user id {1}, not to you (user id {2}). Only the crawl\'s own user may use its remote control.', file, stat.uid, uid) };
  }
  if ((stat.mode & 0o077) !== 0) {
    return { file, kind: 'readableByOthers', message: l10n.t('Refused the job file {0}: its mode is {1}, so other users can read its token. Scrapy writes it as 0600; run chmod 600 on it (and restart the crawl if someone else may have read it).', file, (stat.mode & 0o777).toString(8)) };
  }
  return undefined;
}

interface RawJob {
  version?: unknown; pid?: unknown; port?: unknown; token?: unknown; spider?: unknown; project?: unknown; scrapy_version?: unknown; start_time?: unknown;
}

function parseJob(file: string, text: string, l10n: Localizer): { job: RemoteJob; token: string } | JobProblem {
  let raw: RawJob;
  try {
    raw = JSON.parse(text) as RawJob;
  } catch {
    return { file, kind: 'invalid', message: l10n.t('The job file {0} is not valid JSON (is the crawl still writing it?).', file) };
  }
  const { pid, port, token } = raw;
  if (typeof pid !== 'number' || typeof port !== 'number' || typeof token !== 'string' || !token) {
    return { file, kind: 'invalid', message: l10n.t('The job file {0} has no pid, port or token: it is not a Scrapy remote-control job file of a version this extension knows.', file) };
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    token,
    job: { pid, port, spider: str(raw.spider), project: str(raw.project), scrapyVersion: str(raw.scrapy_version), startTime: typeof raw.start_time === 'number' ? raw.start_time : 0, file },
  };
}

/** Reads and checks one job file; undefined when its process is gone (a stale file). */
function readJob(file: string, l10n: Localizer): { job: RemoteJob; token: string } | JobProblem | undefined {
  let stat: fs.Stats;
  let text: string;
  try {
    stat = fs.statSync(file);
    const problem = securityProblem(file, stat, l10n);
    if (problem) return problem;
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // the crawl just stopped
    return { file, kind: 'unreadable', message: l10n.t('Cannot read the job file {0}: {1}', file, (error as Error).message) };
  }
  const parsed = parseJob(file, text, l10n);
  if ('job' in parsed && !processAlive(parsed.job.pid)) return undefined;
  return parsed;
}

function jobFileNames(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((name) => JOB_NAME.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The running crawls in `dir` (default: Scrapy's), oldest first, and the files that were refused. */
export function listJobs(dir: string = defaultJobsDir(), l10n: Localizer = english): JobListing {
  const listing: JobListing = { dir, jobs: [], problems: [] };
  let names: string[];
  try {
    names = jobFileNames(dir);
  } catch (error) {
    listing.problems.push({ file: dir, kind: 'unreadable', message: l10n.t('Cannot list the job files in {0}: {1}', dir, (error as Error).message) });
    return listing;
  }
  for (const name of names) {
    const read = readJob(path.join(dir, name), l10n);
    if (!read) continue;
    if ('job' in read) listing.jobs.push(read.job);
    else listing.problems.push(read);
  }
  listing.jobs.sort((a, b) => a.startTime - b.startTime);
  return listing;
}

export class JobFileError extends Error {}

/** Why no crawl answers for `pid` in `dir`, worded for the user. */
function missingJobMessage(pid: number, dir: string, l10n: Localizer): string {
  if (!processAlive(pid)) return l10n.t('No process with pid {0} is running.', pid);
  return l10n.t('Process {0} is running but has no remote-control job file in {1}. Scrapy older than 2.19 has no remote control (use the telnet console instead: --telnet, or the scrapy-telnet attach); otherwise the crawl may set REMOTE_CONTROL_ENABLED=False or REMOTE_CONTROL_JOBS_DIR to another directory (give it with --jobs-dir / "jobsDir").', pid, dir);
}

/** The job of `pid` with its token, read now (connect time). Throws JobFileError with a clear message. */
export function readJobToken(pid: number, dir: string = defaultJobsDir(), l10n: Localizer = english): { job: RemoteJob; token: string } {
  const names = jobFileNames(dir).filter((name) => JOB_NAME.exec(name)?.[1] === String(pid));
  const problems: string[] = [];
  for (const name of names.reverse()) {
    const read = readJob(path.join(dir, name), l10n);
    if (read && 'job' in read && read.job.pid === pid) return read;
    if (read && !('job' in read)) problems.push(read.message);
  }
  throw new JobFileError(problems[0] ?? missingJobMessage(pid, dir, l10n));
}

/** "No running crawl" message for an empty listing. */
export function noJobsMessage(dir: string, l10n: Localizer = english): string {
  return l10n.t('No running Scrapy crawl has a remote-control job file in {0}. Scrapy 2.19 and later write one for every crawl (older versions: use the telnet console).', dir);
}
