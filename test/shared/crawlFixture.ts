// The leaky crawl on the local shop, the one way the integration suites, the in-host suites and
// the benches set it up: the shop (test/fixtures/site/shop.py) on 127.0.0.1, then the seed's leaky
// Scrapy crawl of it (test/fixtures/leaky), both stopped by PID, crawl first. A suite may run
// several crawls one after the other on the same shop: startCrawl() stops the previous one.
//
//   const leaky = new CrawlFixture({ site: { delayMs: 20 }, crawl: { timeoutS: 60 } });
//   before(() => leaky.start());          // the shop, then the crawl, up and listening
//   after(() => leaky.stop());
//   … leaky.crawl.telnetPort, leaky.site.firstProductUrl …
//
// The processes themselves (arguments, environment, output, exit) are test/fixtures/fixtureSite.ts.
import { Crawl, CrawlOptions, Site, SiteOptions, startCrawl, startSite } from '../fixtures/fixtureSite';

/** A crawl's options; the shop is the fixture's. */
export type CrawlSettings = Omit<CrawlOptions, 'site'>;

export interface CrawlFixtureOptions {
  site?: SiteOptions;
  /** The crawl that start() runs (a function when it needs something computed first). */
  crawl?: CrawlSettings | (() => CrawlSettings | Promise<CrawlSettings>);
}

export class CrawlFixture {
  private shop: Site | undefined;
  private current: Crawl | undefined;

  constructor(private readonly options: CrawlFixtureOptions = {}) {}

  /** The running shop. */
  get site(): Site {
    if (!this.shop) throw new Error('the fixture shop is not running: start() or startSite() first');
    return this.shop;
  }

  /** The last crawl started (it may have ended by itself since). */
  get crawl(): Crawl {
    if (!this.current) throw new Error('no crawl: start() or startCrawl() first');
    return this.current;
  }

  /** The shop, then the crawl; resolves once the crawl is up (telnet console listening, else spider opened). */
  async start(): Promise<this> {
    await this.startSite();
    await this.startCrawl();
    return this;
  }

  /** Starts the shop unless it runs already. */
  async startSite(): Promise<Site> {
    this.shop ??= await startSite(this.options.site);
    return this.shop;
  }

  /** A crawl of the shop (started if need be) with `settings`, or the fixture's; stops the previous crawl first. */
  async startCrawl(settings?: CrawlSettings): Promise<Crawl> {
    await this.stopCrawl();
    const configured = this.options.crawl;
    settings ??= (typeof configured === 'function' ? await configured() : configured) ?? {};
    const site = await this.startSite();
    this.current = await startCrawl({ ...settings, site });
    return this.current;
  }

  async stopCrawl(): Promise<void> {
    await this.current?.stop();
  }

  /** The crawl, then the shop. */
  async stop(): Promise<void> {
    try {
      await this.stopCrawl();
    } finally {
      const shop = this.shop;
      this.shop = undefined;
      await shop?.stop();
    }
  }
}
