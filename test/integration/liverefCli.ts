// Runs the built CLI (dist/cli.js) as a user would, and hands back its exit code and output.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { findAgentDir } from '../../extension/runtimes/python/agentBundle';

export const CLI = path.join(findAgentDir(__dirname), '..', 'dist', 'cli.js');

export interface CliResult { code: number; stdout: string; stderr: string }

export function liveref(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
    });
  });
}
