// Which Python can run a Scrapy 2.19+ crawl with remote control, for the suites that need one.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findAgentDir } from '../../extension/runtimes/python/agentBundle';

/** The forky launcher (Python 3.14, Scrapy 2.19): $LIVEREF_FORKY_PYTHON, else <repo>/.cache/pyroots/forky.python. */
export function forkyPython(): string {
  return process.env.LIVEREF_FORKY_PYTHON || path.join(findAgentDir(__dirname), '..', '.cache', 'pyroots', 'forky.python');
}

/** Why `python` cannot run a remote-control crawl, or undefined when it can. */
export function remoteControlMissing(python: string): string | undefined {
  if (!fs.existsSync(python)) return `${python} does not exist`;
  const probe = spawnSync(python, ['-c', 'import scrapy, scrapy.extensions.remote_control; print(scrapy.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  if (probe.status !== 0) return `${python} has no Scrapy remote control (Scrapy 2.19+ with aiohttp): ${(probe.stderr || '').trim().split('\n').pop()}`;
  return undefined;
}
