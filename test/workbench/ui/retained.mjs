// On-demand UI checks for retained sizes (asked by test/suite/retained.test.ts): the Retained
// column of Live References, the inspected object's "keeps … alive" line, and the partition
// webview's Retained column (computed by its button, sorted by its header).
import { findFrameWith, showLiveReferences, viewPane } from '../uiHelpers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForText(locator, pattern, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const texts = await locator.allTextContents();
    const hit = texts.find((t) => pattern.test(t));
    if (hit) return { hit, texts };
    if (Date.now() > deadline) throw new Error(`no ${pattern} among:\n${texts.join('\n')}`);
    await sleep(250);
  }
}

export default [
  {
    name: 'retainedViews',
    onDemand: true,
    async run(page, ctx) {
      await showLiveReferences(page);
      const rows = viewPane(page, 'Live References').locator('.monaco-list-row');
      const row = await waitForText(rows, new RegExp(`${ctx.args.className}.*retained`));
      const inspected = viewPane(page, 'Inspected Objects').locator('.monaco-list-row');
      const keeps = await waitForText(inspected, /keeps .+ alive: [\d,]+ objects/);
      return { row: row.hit, keeps: keeps.hit, screenshot: await ctx.screenshot(ctx.args.screenshot ?? 'retained-views') };
    },
  },
  {
    name: 'partitionRetained',
    onDemand: true,
    timeoutMs: 150_000,
    async run(page, ctx) {
      const frame = await findFrameWith(page, '#toolbar button.retained-button', { timeoutMs: 90_000 });
      await frame.locator('#toolbar button.retained-button').click();
      const header = frame.locator('.partition-table th.sortable', { hasText: ctx.args.header });
      await header.waitFor({ state: 'visible', timeout: 120_000 });
      await header.click(); // sort by retained, largest first
      await sleep(300);
      const rows = await frame.locator('.partition-table tbody tr').evaluateAll((trs) => trs.map((tr) => ({
        label: tr.querySelector('td.label')?.textContent ?? '',
        size: Number((tr.children[3]?.textContent ?? '').replace(/\D/g, '')),
        retained: (tr.querySelector('td.retained')?.textContent ?? '').replace(/\D/g, ''),
      })));
      const sortMark = await header.locator('.sort-mark').textContent().catch(() => '');
      return { rows, sortMark, screenshot: await ctx.screenshot('partition-retained') };
    },
  },
  {
    name: 'leakSuspectsShot',
    onDemand: true,
    async run(page, ctx) {
      const toasts = page.locator('.notifications-toasts .notification-toast');
      const { texts } = await waitForText(toasts, /Top leak suspect/, 20_000).catch(async () => ({ texts: await toasts.allTextContents() }));
      return { notices: texts, screenshot: await ctx.screenshot('leak-suspects') };
    },
  },
];
