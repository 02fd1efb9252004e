// Scrapy crawls running on their own: the `scrapy-telnet` debug type (inline adapter, its
// configuration providers, SecretStorage for passwords), its session factory, and
// "Attach to Scrapy Crawl…".
import type { RuntimeActivation, RuntimeHost } from '../../../ui/sessions/engineFactory';
import { registerScrapyTelnetDebugType, TelnetAdapters } from './scrapyTelnetDebugType';
import { TelnetSessionFactory } from './telnetSessionFactory';
import { TelnetPasswordStore } from './telnetPasswordStore';
import { registerAttachScrapyCrawl } from './attachScrapyCrawl';

export function activateScrapy(host: RuntimeHost): RuntimeActivation {
  const adapters = new TelnetAdapters();
  const passwords = new TelnetPasswordStore(host.extension.secrets);
  return {
    factories: [new TelnetSessionFactory(host.agentDir, adapters, host.logger)],
    disposables: [...registerScrapyTelnetDebugType(adapters, passwords), ...registerAttachScrapyCrawl(passwords)],
  };
}
