// "Attach to Scrapy Crawl…": lists the Scrapy 2.19+ crawls found by their remote-control job files
// first (no password: `scrapy` sessions by pid), then the telnet consoles listening on 127.0.0.1:6023–6073 (Scrapy's
// port range) plus any HOST:PORT typed in, shows spider and uptime for those whose password VS
// Code remembers (read through the console after login), and starts a scrapy-telnet session on
// the pick. The adapter asks for a password it does not know. The same crawls appear in Run and
// Debug's configuration dropdown (a dynamic configuration provider).
import * as vscode from 'vscode';
import { Commands } from '../../../ui/commandIds';
import { DEFAULT_HOST, parseHostPort, Target, targetLabel } from '../adapter/attachTarget';
import { formatUptime } from '../adapter/consoleCode';
import { readCrawlInfo, scanTelnetConsoles, SCRAPY_PORT_RANGE } from '../adapter/discovery';
import { SCRAPY_TELNET_TYPE } from '../adapter/scrapyTelnetSession';
import type { TelnetPasswordStore } from './telnetPasswordStore';
import { defaultJobsDir, listJobs, RemoteJob } from '../remote/jobFiles';
import { SCRAPY_REMOTE_TYPE } from '../adapter/scrapyRemoteSession';
import { configuredJobsDir } from './scrapyRemoteDebugType';

interface CrawlItem extends vscode.QuickPickItem {
  target?: Target;
  spider?: string;
  job?: RemoteJob;
  jobsDir?: string;
}

/** Remote-control crawls in Scrapy's job-file directory and the configured one; refused files as rows that say why. */
function remoteCrawls(): CrawlItem[] {
  const dirs = [...new Set([configuredJobsDir(), defaultJobsDir()].filter((d): d is string => !!d))];
  const items: CrawlItem[] = [];
  const now = Date.now() / 1000;
  for (const dir of dirs) {
    const listing = listJobs(dir, vscode.l10n);
    for (const job of listing.jobs) {
      items.push({
        label: `$(radio-tower) ${vscode.l10n.t('Scrapy crawl {0}', job.spider || '?')}`,
        description: vscode.l10n.t('project {0} · up {1} · pid {2} · remote control', job.project || '?', formatUptime(Math.max(0, now - job.startTime)), job.pid),
        job, jobsDir: dir === defaultJobsDir() ? undefined : dir, spider: job.spider,
      });
    }
    for (const problem of listing.problems) items.push({ label: `$(warning) ${vscode.l10n.t('Job file refused')}`, detail: problem.message, alwaysShow: true });
  }
  return items;
}

function remoteConfig(item: CrawlItem): vscode.DebugConfiguration {
  const job = item.job!;
  const config: vscode.DebugConfiguration = { type: SCRAPY_REMOTE_TYPE, request: 'attach', name: vscode.l10n.t('Scrapy crawl {0} (pid {1})', job.spider || '?', job.pid), pid: job.pid };
  if (item.jobsDir) config.jobsDir = item.jobsDir;
  return config;
}

async function describeCrawl(target: Target, passwords: TelnetPasswordStore): Promise<CrawlItem> {
  const item: CrawlItem = { label: `$(debug-alt) ${targetLabel(target)}`, target };
  const password = await passwords.remembered(target);
  if (password === undefined) {
    item.description = vscode.l10n.t('Scrapy telnet console — password needed');
    return item;
  }
  try {
    const info = await readCrawlInfo(target, password);
    item.spider = info?.spider;
    const uptime = typeof info?.uptimeS === 'number' ? formatUptime(info.uptimeS) : '?';
    item.description = info?.spider ? vscode.l10n.t('spider {0} · up {1} · pid {2}', info.spider, uptime, info.pid) : vscode.l10n.t('telnet console (no Scrapy crawler in it)');
  } catch {
    // A new run draws a new password: the remembered one is stale, the adapter will ask.
    item.description = vscode.l10n.t('Scrapy telnet console — password needed');
  }
  return item;
}

function attachConfig(item: CrawlItem): vscode.DebugConfiguration {
  if (item.job) return remoteConfig(item);
  const where = targetLabel(item.target!);
  return {
    type: SCRAPY_TELNET_TYPE, request: 'attach', host: item.target!.host, port: item.target!.port,
    name: item.spider ? vscode.l10n.t('Scrapy crawl {0} ({1})', item.spider, where) : vscode.l10n.t('Scrapy crawl {0}', where),
  };
}

/** Shows the picker; resolves with the configuration started, or undefined when dismissed. */
async function pickAndAttach(passwords: TelnetPasswordStore): Promise<vscode.DebugConfiguration | undefined> {
  const pick = vscode.window.createQuickPick<CrawlItem>();
  pick.title = vscode.l10n.t('Attach to Scrapy Crawl');
  pick.placeholder = vscode.l10n.t('Pick a crawl (Scrapy 2.19+ job files, then telnet consoles on {0}:{1}–{2}), or type HOST:PORT', DEFAULT_HOST, SCRAPY_PORT_RANGE[0], SCRAPY_PORT_RANGE[1]);
  pick.matchOnDescription = true;
  pick.busy = true;
  const remote = remoteCrawls();
  let found: CrawlItem[] = [];
  const typedItem = (): CrawlItem[] => {
    const target = parseHostPort(pick.value);
    if (!target || found.some((f) => f.target && targetLabel(f.target) === targetLabel(target))) return [];
    return [{ label: `$(plug) ${targetLabel(target)}`, description: vscode.l10n.t('attach to this address'), target, alwaysShow: true }];
  };
  const update = () => { pick.items = [...typedItem(), ...remote, ...found]; };
  update();
  pick.onDidChangeValue(update);
  void scanTelnetConsoles().then(async (targets) => {
    found = await Promise.all(targets.map((t) => describeCrawl(t, passwords)));
    if (!found.length && !remote.some((r) => r.job)) {
      found = [{ label: vscode.l10n.t('No crawl is listening on {0}:{1}–{2}', DEFAULT_HOST, SCRAPY_PORT_RANGE[0], SCRAPY_PORT_RANGE[1]), description: vscode.l10n.t('start one with TELNETCONSOLE_ENABLED, or type HOST:PORT'), alwaysShow: true },
        { label: vscode.l10n.t('No Scrapy 2.19+ crawl has a remote-control job file in {0}', defaultJobsDir()), description: vscode.l10n.t('older Scrapy: use the telnet console'), alwaysShow: true }];
    }
    pick.busy = false;
    update();
  });
  pick.show();
  const chosen = await new Promise<CrawlItem | undefined>((resolve) => {
    pick.onDidAccept(() => { const item = pick.selectedItems[0]; if (item?.target || item?.job) { resolve(item); pick.hide(); } });
    pick.onDidHide(() => resolve(undefined));
  });
  pick.dispose();
  if (!chosen) return undefined;
  const config = attachConfig(chosen);
  const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], config);
  return started ? config : undefined;
}

/** The remote-control crawls running now, offered in Run and Debug's configuration dropdown. */
class RemoteCrawlsProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return remoteCrawls().filter((item) => item.job).map(remoteConfig);
  }
}

/** The crawls running now, offered in Run and Debug's configuration dropdown (no launch.json needed). */
class RunningCrawlsProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly passwords: TelnetPasswordStore) {}

  async provideDebugConfigurations(): Promise<vscode.DebugConfiguration[]> {
    const targets = await scanTelnetConsoles();
    const items = await Promise.all(targets.map((t) => describeCrawl(t, this.passwords)));
    return items.map(attachConfig);
  }
}

export function registerAttachScrapyCrawl(passwords: TelnetPasswordStore): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.attachScrapyCrawl, () => pickAndAttach(passwords)),
    vscode.debug.registerDebugConfigurationProvider(SCRAPY_TELNET_TYPE, new RunningCrawlsProvider(passwords), vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugConfigurationProvider(SCRAPY_REMOTE_TYPE, new RemoteCrawlsProvider(), vscode.DebugConfigurationProviderTriggerKind.Dynamic),
  ];
}
