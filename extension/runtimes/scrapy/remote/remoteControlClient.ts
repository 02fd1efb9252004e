// HTTP client for Scrapy's remote control (scrapy/extensions/remote_control.py): GET /status and
// POST /execute on 127.0.0.1:<port> with `Authorization: Bearer <token>`. The token lives only in
// this object; no message, error or log line built here contains it.
import * as http from 'node:http';
import { TransportError } from '../../../core/transportError';
import { english, Localizer } from '../adapter/localize';
import { processAlive } from './jobFiles';

export interface RemoteStatus {
  pid: number;
  spider: string | null;
  project: string | null;
  scrapy_version: string;
  start_time: number | null;
}

export interface ExecuteResult {
  status: 'ok' | 'error' | 'timeout' | 'compile_error';
  output: string;
  traceback: string | null;
  elapsed_sec: number;
  output_truncated?: boolean;
  traceback_truncated?: boolean;
}

export interface RemoteControlTarget {
  host?: string;
  port: number;
  pid: number;
  token: string;
}

export interface RequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Extra time the HTTP request gets beyond the server-side timeout, so the server answers `timeout` first. */
const SLACK_MS = 5_000;

export class RemoteControlClient {
  readonly where: string;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  private readonly token: string;
  private closed = false;

  constructor(private readonly target: RemoteControlTarget, private readonly l10n: Localizer = english) {
    this.token = target.token;
    this.where = `127.0.0.1:${target.port} (pid ${target.pid})`;
  }

  status(options: RequestOptions = {}): Promise<RemoteStatus> {
    return this.request<RemoteStatus>('GET', '/status', undefined, options.timeoutMs ?? 5_000, options.signal);
  }

  /** Runs `code` on the crawl's event loop (top-level await allowed); only printed output comes back. */
  execute(code: string, options: RequestOptions = {}): Promise<ExecuteResult> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const body = JSON.stringify({ code, timeout_sec: Math.min(600, Math.max(0.05, timeoutMs / 1000)) });
    return this.request<ExecuteResult>('POST', '/execute', body, timeoutMs + SLACK_MS, options.signal);
  }

  close(): void {
    this.closed = true;
    this.agent.destroy();
  }

  private request<T>(method: string, urlPath: string, body: string | undefined, timeoutMs: number, signal?: AbortSignal): Promise<T> {
    if (this.closed) return Promise.reject(new TransportError('disconnected', this.l10n.t('The remote-control connection to {0} is closed.', this.where)));
    return new Promise<T>((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
      if (body !== undefined) { headers['Content-Type'] = 'application/json'; headers['Content-Length'] = Buffer.byteLength(body); }
      const req = http.request({ host: this.target.host ?? '127.0.0.1', port: this.target.port, path: urlPath, method, headers, agent: this.agent });
      let settled = false;
      const fail = (error: TransportError) => { if (!settled) { settled = true; clearTimeout(timer); reject(error); } req.destroy(); };
      const timer = setTimeout(() => fail(new TransportError('timeout', this.l10n.t('The crawl at {0} did not answer {1} within {2} s.', this.where, urlPath, Math.round(timeoutMs / 1000)))), timeoutMs);
      const onAbort = () => fail(new TransportError('cancelled', this.l10n.t('Cancelled.')));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error: NodeJS.ErrnoException) => fail(this.networkError(error)));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (error) => fail(this.networkError(error)));
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          if (settled) return;
          try {
            const value = this.decode<T>(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'));
            settled = true; clearTimeout(timer); resolve(value);
          } catch (error) {
            fail(error as TransportError);
          }
        });
      });
      req.end(body);
    });
  }

  private decode<T>(status: number, text: string): T {
    if (status === 401) {
      throw new TransportError('auth', this.l10n.t('The crawl at {0} refused the token from its job file (HTTP 401). The job file may belong to an earlier run on the same pid: list the crawls again.', this.where));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new TransportError('protocol', this.l10n.t('The crawl at {0} answered HTTP {1} with something that is not JSON: is this port Scrapy\'s remote control?', this.where, status));
    }
    if (status !== 200) {
      const error = (json as { error?: unknown }).error;
      throw new TransportError('protocol', this.l10n.t('The crawl at {0} answered HTTP {1}: {2}', this.where, status, typeof error === 'string' ? error : text.slice(0, 200)));
    }
    return json as T;
  }

  private networkError(error: NodeJS.ErrnoException): TransportError {
    if (!processAlive(this.target.pid)) {
      return new TransportError('disconnected', this.l10n.t('The crawl at {0} has ended.', this.where));
    }
    if (error.code === 'ECONNREFUSED') {
      return new TransportError('connect', this.l10n.t('Nothing listens on {0} any more: the crawl is stopping, or its job file is stale.', this.where));
    }
    return new TransportError('disconnected', this.l10n.t('The connection to the crawl at {0} was lost ({1}).', this.where, error.code ?? error.message));
  }
}
