// @ts-check
// UI checks of the time features, asked for by test/suite/timeView.test.ts: the age histogram
// (hover a bar, click it, read the Iterate All pick it opens), the growth chart and the Heap Since
// Mark table of the partition webview.
import { describeFrames, findFrameWith, showLiveReferences, viewPane } from '../uiHelpers.mjs';
import { waitFor } from '../wait.mjs';

/**
 * @param {import('playwright-core').Page} page
 * @param {string} selector
 */
async function frameWith(page, selector, timeoutMs = 60_000) {
  try {
    return await findFrameWith(page, selector, { timeoutMs });
  } catch (error) {
    throw new Error(`${/** @type {Error} */ (error).message}\n${await describeFrames(page)}`);
  }
}

/** @type {import('../harness.mjs').UiCheck[]} */
export default [
  {
    name: 'ageChartOpenOldest',
    onDemand: true,
    async run(page, ctx) {
      let frame = await frameWith(page, '.age-chart g.bucket');
      if (ctx.args.scale) {
        await frame.locator('#toolbar button.toggle', { hasText: ctx.args.scale }).click();
        // Drawn again on the new scale: its toggle is the pressed one.
        await frame.locator('#toolbar button.toggle[aria-pressed="true"]', { hasText: ctx.args.scale }).waitFor({ state: 'visible', timeout: 30_000 });
        frame = await frameWith(page, '.age-chart g.bucket');
      }
      const buckets = await frame.locator('.age-chart g.bucket').evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-count'))));
      // Oldest on the left: the first group is the oldest bucket.
      const oldest = frame.locator('.age-chart g.bucket:not(.empty)').first();
      const hint = await frame.locator('#hover').innerText();
      await oldest.hover();
      const hover = await waitFor('the hovered bar described', async () => { const text = await frame.locator('#hover').innerText(); return text !== hint && text; }, 5000, 50)
        .catch(() => frame.locator('#hover').innerText());
      await ctx.screenshot(ctx.args.screenshot ?? 'age-histogram');
      await oldest.click();
      const widget = page.locator('.quick-input-widget');
      await widget.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
      await waitFor('the pick to have its title', async () => (await widget.locator('.quick-input-title').innerText().catch(() => '')).trim(), 5000, 50).catch(() => undefined);
      const title = (await widget.locator('.quick-input-title').innerText().catch(() => '')).trim();
      const items = (await widget.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts()).filter((t) => !/Load more/.test(t));
      await ctx.screenshot('age-histogram-iterate');
      await widget.locator('input').press('Enter');
      return { buckets, hover, title, items };
    },
  },
  {
    name: 'growthChart',
    onDemand: true,
    async run(page, ctx) {
      const frame = await frameWith(page, '.trend-chart path.count-line');
      await frame.locator('#legend li').first().waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
      const lines = await frame.locator('.trend-chart path.count-line').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-class')));
      const rss = await frame.locator('.trend-chart path.rss-line').count();
      const legend = await frame.locator('#legend li').allInnerTexts();
      await ctx.screenshot(ctx.args.screenshot ?? 'growth-trend');
      return { lines, rss, legend };
    },
  },
  {
    name: 'partitionCells',
    onDemand: true,
    async run(page, ctx) {
      const selector = `.partition-table tbody tr[data-label="${ctx.args.label}"]`;
      const frame = await frameWith(page, selector, 90_000);
      const header = await frame.locator('.partition-table thead th').allInnerTexts();
      const cells = await frame.locator(selector).first().locator('td').allInnerTexts();
      const measures = await frame.locator('#toolbar button.toggle').allInnerTexts();
      if (ctx.args.screenshot) await ctx.screenshot(ctx.args.screenshot);
      if (ctx.args.click) await frame.locator(selector).first().click();
      return { header: header.map((h) => h.replace(/[▲▼]/g, '').trim()), cells, measures };
    },
  },
  {
    name: 'partitionLevel',
    onDemand: true,
    async run(page, ctx) {
      const frame = await frameWith(page, '#crumbs .crumb.current');
      const current = frame.locator('#crumbs .crumb.current', { hasText: ctx.args.crumb });
      await current.waitFor({ state: 'visible', timeout: 90_000 });
      await frame.locator('.partition-table tbody tr').first().waitFor({ state: 'visible', timeout: 90_000 });
      await waitFor('the level\'s status line', async () => (await frame.locator('#status').innerText()).trim(), 5000, 50).catch(() => undefined);
      const header = await frame.locator('.partition-table thead th').allInnerTexts();
      const rows = await frame.locator('.partition-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      const status = await frame.locator('#status').innerText();
      if (ctx.args.screenshot) await ctx.screenshot(ctx.args.screenshot);
      return { header: header.map((h) => h.replace(/[▲▼]/g, '').trim()), rows, status };
    },
  },
  {
    name: 'liveReferencesScreenshot',
    onDemand: true,
    async run(page, ctx) {
      await showLiveReferences(page);
      await viewPane(page, 'Live References').locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
      return { screenshot: await ctx.screenshot(ctx.args.screenshot ?? 'live-references-trend') };
    },
  },
];
