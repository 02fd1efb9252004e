// Job-file discovery and its security checks (runtimes/scrapy/remote/jobFiles.ts) on real files
// in a temp directory: live pids are this process's, dead ones a finished child's.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultJobsDir, JobFileError, listJobs, readJobToken } from '../../extension/runtimes/scrapy/remote/jobFiles';

const job = (pid: number, extra: Record<string, unknown> = {}) => JSON.stringify({
  version: 1, pid, port: 40000, token: 'secret-token-xyz', spider: 'leaky', project: 'leaky', scrapy_version: '2.19.0', start_time: 1_700_000_000.5, ...extra,
});

describe('Scrapy remote-control job files', () => {
  let dir: string;
  const write = (name: string, text: string, mode = 0o600) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text, { mode });
    fs.chmodSync(file, mode);
    return file;
  };
  const deadPid = () => spawnSync('true').pid!;

  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobfiles-')); fs.chmodSync(dir, 0o700); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('defaults to $XDG_STATE_HOME/scrapy/job_files, else ~/.local/state/scrapy/job_files', () => {
    assert.equal(defaultJobsDir({ XDG_STATE_HOME: '/x/state', HOME: '/h' }), '/x/state/scrapy/job_files');
    assert.equal(defaultJobsDir({ HOME: '/h' }), '/h/.local/state/scrapy/job_files');
    assert.equal(defaultJobsDir({ XDG_STATE_HOME: 'relative', HOME: '/h' }), '/h/.local/state/scrapy/job_files');
  });

  it('lists running crawls without their token, skips stale files and names that are not job files', () => {
    write(`${process.pid}-abc123.json`, job(process.pid));
    const dead = deadPid();
    write(`${dead}-def456.json`, job(dead));
    write('notes.txt', 'hello');
    write(`.${process.pid}-tmp.json.tmp`, job(process.pid));
    const listing = listJobs(dir);
    assert.deepEqual(listing.problems, []);
    assert.equal(listing.jobs.length, 1);
    const [only] = listing.jobs;
    assert.deepEqual({ ...only, file: path.basename(only.file) }, {
      pid: process.pid, port: 40000, spider: 'leaky', project: 'leaky', scrapyVersion: '2.19.0', startTime: 1_700_000_000.5, file: `${process.pid}-abc123.json`,
    });
    assert.ok(!JSON.stringify(listing).includes('secret-token-xyz'));
  });

  it('refuses a file others can read, and one owned by another user, with a clear message', () => {
    write(`${process.pid}-aaa.json`, job(process.pid), 0o644);
    const other = write(`${process.pid}-bbb.json`, job(process.pid));
    fs.chownSync(other, 4242, 4242);
    const listing = listJobs(dir);
    assert.deepEqual(listing.jobs, []);
    const byKind = new Map(listing.problems.map((p) => [p.kind, p.message]));
    assert.match(byKind.get('readableByOthers')!, /mode is 644, so other users can read its token/);
    assert.match(byKind.get('notOwned')!, /belongs to user id 4242, not to you/);
    assert.ok(!JSON.stringify(listing).includes('secret-token-xyz'));
    assert.throws(() => readJobToken(process.pid, dir), /Refused the job file/);
  });

  it('reports files that are not job files of a known shape', () => {
    write(`${process.pid}-ccc.json`, '{not json');
    write(`${process.pid}-ddd.json`, JSON.stringify({ pid: process.pid }));
    const kinds = listJobs(dir).problems.map((p) => p.kind);
    assert.deepEqual(kinds, ['invalid', 'invalid']);
  });

  it('reads the token at connect time; explains a missing job (older Scrapy: use telnet) and a dead pid', () => {
    write(`${process.pid}-eee.json`, job(process.pid));
    assert.equal(readJobToken(process.pid, dir).token, 'secret-token-xyz');
    assert.throws(() => readJobToken(1, dir), (e: Error) => e instanceof JobFileError && /Scrapy older than 2\.19 has no remote control \(use the telnet console/.test(e.message));
    assert.throws(() => readJobToken(deadPid(), dir), /No process with pid \d+ is running/);
    assert.deepEqual(listJobs(path.join(dir, 'missing')).jobs, []);
  });
});
