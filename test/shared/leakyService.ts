// The leaky order service (test/fixtures/leaky-service/service.py, no Scrapy): where it is, the
// line that creates every leaked Order, the line that defines ORDERS (their holder), and a bounded client for its HTTP API on 127.0.0.1.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixturesDir } from '../fixtures/fixtureSite';

export const SERVICE_SCRIPT = path.join(fixturesDir(), 'leaky-service', 'service.py');

/** 1-based line of `order = Order(session, item, qty)`: the leak site. */
export function orderLine(): number {
  const index = fs.readFileSync(SERVICE_SCRIPT, 'utf8').split('\n').findIndex((l) => l.includes('order = Order(session, item, qty)'));
  if (index < 0) throw new Error(`no Order(...) line in ${SERVICE_SCRIPT}`);
  return index + 1;
}

/** 1-based line of `ORDERS = {}`: the module global that holds every leaked Order. */
export function ordersLine(): number {
  const index = fs.readFileSync(SERVICE_SCRIPT, 'utf8').split('\n').findIndex((l) => /^ORDERS = \{\}/.test(l));
  if (index < 0) throw new Error(`no ORDERS = {} line in ${SERVICE_SCRIPT}`);
  return index + 1;
}

export interface ServiceStats { sessions: number; orders: number; firstOrder: string | null }

export class ServiceClient {
  constructor(private readonly base: string) {}

  async get<T>(pathAndQuery: string): Promise<T> {
    const response = await fetch(this.base + pathAndQuery, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`${pathAndQuery}: HTTP ${response.status}`);
    return await response.json() as T;
  }

  /** `users` users log in and order twice each; every third stays logged in. */
  async traffic(users: number): Promise<void> {
    for (let n = 1; n <= users; n++) {
      const { session } = await this.get<{ session: string }>(`/login?user=u${n}`);
      await this.get(`/order?session=${session}&item=tea&qty=${n}`);
      await this.get(`/order?session=${session}&item=cake&qty=1`);
      if (n % 3) await this.get(`/logout?session=${session}`);
    }
  }

  stats(): Promise<ServiceStats> {
    return this.get<ServiceStats>('/stats');
  }
}
