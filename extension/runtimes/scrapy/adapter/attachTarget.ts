// Where a scrapy-telnet attach goes and which password it uses. Three sources, in this order:
// `logFile` (the crawl's log names address and password), `passwordEnv` (an environment variable
// of the adapter's process), or a PasswordStore the host provides (VS Code: SecretStorage, asked
// once per host:port). The password itself never appears in the attach arguments.
import { readCrawlLog } from './crawlLog';
import type { Localizer } from './localize';

export interface ScrapyTelnetAttachArgs {
  host?: string;
  port?: number;
  /** Name of an environment variable holding the password. */
  passwordEnv?: string;
  /** A crawl log to read `Telnet Password:` and `Telnet console listening on` from. */
  logFile?: string;
  /** TELNETCONSOLE_USERNAME, `scrapy` by default. */
  username?: string;
  /** Connect + login timeout in ms (default 10 s). */
  timeoutMs?: number;
}

export interface Target {
  host: string;
  port: number;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 6023;

/** Passwords the host remembers or asks for, per host:port. None in `liveref dap`. */
export interface PasswordStore {
  /** A password for `target`; `rejected` is true when the last one failed. Undefined: the user cancelled. */
  get(target: Target, rejected: boolean): Promise<string | undefined>;
  /** The console accepted `password`: remember it. */
  accepted(target: Target, password: string): Promise<void>;
  /** The console refused the remembered password: forget it. */
  rejected(target: Target): Promise<void>;
}

export type PasswordSource =
  | { kind: 'fixed'; password: string; from: string }
  | { kind: 'store'; store: PasswordStore };

export interface ResolvedTarget extends Target {
  source: PasswordSource;
}

export class AttachError extends Error {}

export function targetLabel(target: Target): string {
  return `${target.host}:${target.port}`;
}

const HOST_PORT = /^\s*([\w.-]+|\[[\da-fA-F:]+\])?:(\d{1,5})\s*$/;

/** `HOST:PORT`, `:PORT` (127.0.0.1) or `[::1]:PORT` as typed by a user; undefined otherwise. */
export function parseHostPort(text: string): Target | undefined {
  const match = HOST_PORT.exec(text);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) return undefined;
  return { host: (match[1] ?? DEFAULT_HOST).replace(/^\[|\]$/g, ''), port };
}

function validPort(port: unknown): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536;
}

export async function resolveTarget(args: ScrapyTelnetAttachArgs, env: NodeJS.ProcessEnv, store: PasswordStore | undefined, l10n: Localizer): Promise<ResolvedTarget> {
  if (args.port !== undefined && !validPort(args.port)) throw new AttachError(l10n.t('"port" must be a TCP port number, got {0}.', JSON.stringify(args.port)));
  if (args.logFile) {
    const log = await readCrawlLog(args.logFile).catch((error: Error) => { throw new AttachError(l10n.t('Cannot read the crawl log {0}: {1}', args.logFile!, error.message)); });
    const host = args.host ?? log.host ?? DEFAULT_HOST;
    const port = args.port ?? log.port;
    if (port === undefined) throw new AttachError(l10n.t('{0} has no "Telnet console listening on" line yet: is the crawl running with TELNETCONSOLE_ENABLED on? Give "port" to attach anyway.', args.logFile));
    const password = args.passwordEnv ? env[args.passwordEnv] : log.password;
    if (password === undefined) {
      throw new AttachError(l10n.t('{0} has no "Telnet Password:" line (does the crawl set TELNETCONSOLE_PASSWORD?): give the password through "passwordEnv".', args.logFile));
    }
    return { host, port, source: { kind: 'fixed', password, from: args.passwordEnv ? `$${args.passwordEnv}` : args.logFile } };
  }
  const target = { host: args.host || DEFAULT_HOST, port: args.port ?? DEFAULT_PORT };
  if (args.passwordEnv) {
    const password = env[args.passwordEnv];
    if (password === undefined) throw new AttachError(l10n.t('"passwordEnv" names {0}, which is not set in the environment of the debug adapter. Set it, or use "logFile" with the crawl\'s log.', args.passwordEnv));
    return { ...target, source: { kind: 'fixed', password, from: `$${args.passwordEnv}` } };
  }
  if (!store) throw new AttachError(l10n.t('No password: give "passwordEnv" (an environment variable holding it) or "logFile" (the crawl\'s log, which prints "Telnet Password: …").'));
  return { ...target, source: { kind: 'store', store } };
}
