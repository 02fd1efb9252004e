// Scrapy crawls running on their own: the `scrapy` debug type (remote control, 2.19+), the `scrapy-telnet` debug type (inline adapter, its
// configuration providers, SecretStorage for passwords), its session factory, and
// "Attach to Scrapy Crawl…".
import type { RuntimeActivation, RuntimeHost } from '../../../ui/sessions/engineFactory';
import { registerScrapyTelnetDebugType, TelnetAdapters } from './scrapyTelnetDebugType';
import { TelnetSessionFactory } from './telnetSessionFactory';
import { TelnetPasswordStore } from './telnetPasswordStore';
import { registerAttachScrapyCrawl } from './attachScrapyCrawl';
import { RemoteAdapters, registerScrapyRemoteDebugType } from './scrapyRemoteDebugType';
import { RemoteSessionFactory } from './remoteSessionFactory';

export function activateScrapy(host: RuntimeHost): RuntimeActivation {
  const adapters = new TelnetAdapters();
  const passwords = new TelnetPasswordStore(host.extension.secrets);
  const remoteAdapters = new RemoteAdapters();
  const remote = new RemoteSessionFactory(host.agentDir, remoteAdapters, host.logger);
  return {
    factories: [new TelnetSessionFactory(host.agentDir, adapters, host.logger), remote],
    disposables: [
      ...registerScrapyTelnetDebugType(adapters, passwords), ...registerScrapyRemoteDebugType(remoteAdapters, () => remote.agentModuleKey()),
      ...registerAttachScrapyCrawl(passwords),
    ],
  };
}
