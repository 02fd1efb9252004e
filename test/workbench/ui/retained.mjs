// @ts-check
// On-demand UI checks for retained sizes (asked by test/suite/retained.test.ts): the Retained
// column of Live References, the inspected object's "keeps … alive" line, and the partition
// webview's Retained column (computed by its button, sorted by its header).
import { findFrameWith, showLiveReferences, viewPane } from '../uiHelpers.mjs';
import { waitFor } from '../wait.mjs';

/**
 * The first text of `locator`'s elements matching `pattern`, once there is one, and all of them.
 * @param {import('playwright-core').Locator} locator
 * @param {RegExp} pattern
 */
async function waitForText(locator, pattern, timeoutMs = 30_000) {
  /** @type {string[]} */
  let texts = [];
  const hit = await waitFor(`${pattern}`, async () => {
    texts = await locator.allTextContents();
    return texts.find((t) => pattern.test(t));
  }, timeoutMs, 250).catch(() => { throw new Error(`no ${pattern} among:\n${texts.join('\n')}`); });
  return { hit, texts };
}

/** @type {import('../harness.mjs').UiCheck[]} */
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
      await header.locator('.sort-mark').waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
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
      const screenshot = await ctx.screenshot('leak-suspects');
      // "All Suspects": the ranking in a quick pick, with the Output panel left alone (it used to
      // take the panel and push Live References into its overflow menu).
      await toasts.filter({ hasText: 'Top leak suspect' }).getByRole('button', { name: 'All Suspects' }).click();
      const rows = page.locator('.quick-input-widget .monaco-list-row');
      await rows.first().waitFor({ state: 'visible', timeout: 15_000 });
      const suspects = await rows.allTextContents();
      const allShot = await ctx.screenshot('leak-suspects-all');
      const outputShown = await page.locator('.part.panel .output-view, .part.panel [id="workbench.panel.output"]').isVisible().catch(() => false);
      await page.keyboard.press('Escape');
      return { notices: texts, screenshot, suspects, outputShown, allShot };
    },
  },
];
