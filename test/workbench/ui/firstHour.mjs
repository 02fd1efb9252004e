// @ts-check
// UI checks of the first hour with the demo (asked for by test/suite/firstHour.test.ts): the
// growth chart's clock, lines and legend, the Growth panel following a new session, the partition
// webview's scroll position and where its examples appear, the Live References row under the
// mouse, and the age of an inspected object moving on.
import { describeFrames, findFrameWith, paneHeader, showLiveReferences, viewPane } from '../uiHelpers.mjs';
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

/**
 * @param {import('playwright-core').Page} page
 * @param {string} title
 */
async function pane(page, title) {
  if (!(await paneHeader(page, title).isVisible().catch(() => false))) await showLiveReferences(page);
  const header = paneHeader(page, title);
  await header.waitFor({ state: 'visible', timeout: 15_000 });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return viewPane(page, title);
}

/** @param {import('playwright-core').Page} page */
const editorTabs = (page) => page.locator('.editor-group-container .tabs-container .tab').allInnerTexts();

/** @type {import('../harness.mjs').UiCheck[]} */
export default [
  {
    name: 'growthAxes',
    onDemand: true,
    async run(page, ctx) {
      const frame = await frameWith(page, '.trend-chart path.count-line');
      await frame.locator('#legend li').first().waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
      const ticks = await frame.locator('.trend-chart .time-axis .tick text').allTextContents();
      // The webview's own clock: a 24-hour label carries this hour (an evening shows 21, not 09).
      const hourNow = await frame.evaluate(() => new Date().getHours());
      const lines = await frame.locator('.trend-chart path.count-line').evaluateAll((ps) => ps.map((p) => ({
        className: p.getAttribute('data-class'), width: parseFloat(getComputedStyle(p).strokeWidth),
      })));
      const labels = await frame.locator('.trend-chart text.line-label').evaluateAll((ts) => ts.map((t) => ({ className: t.getAttribute('data-class'), box: t.getBoundingClientRect().toJSON() })));
      const legendTop = await frame.locator('#legend').evaluate((e) => e.getBoundingClientRect().top);
      const chartTop = await frame.locator('#chart').evaluate((e) => e.getBoundingClientRect().top);
      const legend = await frame.locator('#legend li').allInnerTexts();
      const status = await frame.locator('#status').innerText();
      const title = await frame.locator('#title').innerText();
      await ctx.screenshot(ctx.args.screenshot ?? 'growth-chart');
      return { ticks, hourNow, lines, labels, legendAboveChart: legendTop < chartTop, legend, status, title, tabs: await editorTabs(page) };
    },
  },
  {
    name: 'growthFollows',
    onDemand: true,
    async run(page, ctx) {
      const tab = page.locator('.editor-group-container .tabs-container .tab', { hasText: 'Growth:' }).first();
      await tab.click();
      const frame = await frameWith(page, '.trend-chart path.count-line');
      /** @type {{ tabs: string[], status: string, title: string }} */
      let seen = { tabs: [], status: '', title: '' };
      await waitFor(`the Growth panel on ${ctx.args.session}`, async () => {
        seen = { tabs: await editorTabs(page), status: await frame.locator('#status').innerText(), title: await frame.locator('#title').innerText() };
        return seen.tabs.some((t) => t.includes(`Growth: ${ctx.args.session}`)) && /^[1-9]\d* refreshes/.test(seen.status) && seen.title.includes(ctx.args.session);
      }, 30_000, 250).catch(() => undefined);
      await ctx.screenshot(ctx.args.screenshot ?? 'growth-follows');
      return seen;
    },
  },
  {
    name: 'partitionScroll',
    onDemand: true,
    async run(page, ctx) {
      const frame = await frameWith(page, '.partition-table tbody tr', 90_000);
      const scrollTop = () => frame.evaluate(() => (document.scrollingElement ?? document.documentElement).scrollTop);
      // Down the long by-type table, as a user looking for a row would.
      await frame.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      const before = await scrollTop();
      // Drill into the row without scrolling to it (element.click() does not scroll).
      const labels = await frame.locator('.partition-table tbody tr td.label').allTextContents();
      const target = labels.find((l) => new RegExp(ctx.args.labelPattern).test(l));
      if (!target) throw new Error(`no row matching ${ctx.args.labelPattern} among ${labels.slice(0, 20).join(' | ')}`);
      await frame.locator(`.partition-table tbody tr[data-label=${JSON.stringify(target)}]`).first().evaluate((tr) => /** @type {HTMLElement} */ (tr).click());
      await frame.locator('#crumbs .crumb.current', { hasText: 'by via' }).waitFor({ state: 'visible', timeout: 90_000 });
      // The by-via table replaced the by-type one (the crumbs change as soon as the work starts).
      const byType = new Set(labels);
      await waitFor('the by-via table', async () => {
        const now = await frame.locator('.partition-table tbody tr td.label').allTextContents();
        return now.length > 0 && !now.some((l) => byType.has(l));
      }, 90_000, 250);
      const after = await scrollTop();
      const via = await frame.locator('.partition-table tbody tr td.label').allTextContents();
      return { before, after, drilled: target, via: via.slice(0, 20) };
    },
  },
  {
    name: 'partitionExamples',
    onDemand: true,
    async run(page, ctx) {
      const frame = await frameWith(page, '.partition-table tbody tr', 90_000);
      if (ctx.args.crumb) {
        // A reused panel: the level asked for, done (its totals, not "Working: …").
        await frame.locator('#crumbs .crumb.current', { hasText: ctx.args.crumb }).waitFor({ state: 'visible', timeout: 90_000 });
        await waitFor(`${ctx.args.crumb} computed`, async () => /objects, .* bytes/.test(await frame.locator('#status').innerText()), 90_000, 250);
      }
      const rows = frame.locator('.partition-table tbody tr');
      // A row far down the table: its examples must still appear where the eye is.
      const row = ctx.args.label ? frame.locator(`.partition-table tbody tr[data-label=${JSON.stringify(ctx.args.label)}]`).first() : rows.nth(Math.min(ctx.args.index ?? 0, (await rows.count()) - 1));
      const label = await row.getAttribute('data-label');
      await row.click();
      await frame.locator('#samples h3').waitFor({ state: 'visible', timeout: 60_000 });
      await frame.locator('#samples li, #samples p').first().waitFor({ state: 'visible', timeout: 60_000 });
      const place = await frame.evaluate(() => {
        const box = /** @type {HTMLElement} */ (document.getElementById('samples')).getBoundingClientRect();
        const table = /** @type {HTMLElement} */ (document.getElementById('table')).getBoundingClientRect();
        return { top: box.top, bottom: box.bottom, viewport: window.innerHeight, aboveTable: box.bottom <= table.top + 1 };
      });
      const samples = await frame.locator('#samples button.sample').allTextContents();
      if (ctx.args.screenshot) await ctx.screenshot(ctx.args.screenshot);
      return { label, place, samples };
    },
  },
  {
    name: 'liveRefsHover',
    onDemand: true,
    async run(page, ctx) {
      const view = await pane(page, 'Live References');
      const row = view.locator('.monaco-list-row', { hasText: ctx.args.className }).first();
      await row.waitFor({ state: 'visible', timeout: 20_000 });
      if (ctx.args.waitForText) await waitFor(ctx.args.waitForText, async () => (await row.innerText()).includes(ctx.args.waitForText), 30_000, 250).catch(() => undefined);
      await row.hover();
      await row.locator('.actions .action-item').first().waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
      const measured = await row.evaluate((el, words) => {
        const description = el.querySelector('.label-description');
        const container = el.querySelector('.monaco-icon-label-container');
        const actions = el.querySelector('.actions .actions-container');
        /** @param {string} word */
        const rectOf = (word) => {
          const node = description?.firstChild;
          const text = node?.textContent ?? '';
          const at = text.indexOf(word);
          if (!node || at < 0) return null;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + word.length);
          return range.getBoundingClientRect().toJSON();
        };
        return {
          description: description?.textContent ?? '',
          visibleRight: container?.getBoundingClientRect().right ?? 0,
          actionsLeft: actions && actions.getBoundingClientRect().width > 0 ? actions.getBoundingClientRect().left : null,
          words: Object.fromEntries(words.map((/** @type {string} */ w) => [w, rectOf(w)])),
        };
      }, ctx.args.words ?? []);
      const screenshot = await ctx.screenshot(ctx.args.screenshot ?? 'live-references-hover');
      return { ...measured, screenshot };
    },
  },
  {
    name: 'inspectedAge',
    onDemand: true,
    async run(page) {
      const view = await pane(page, 'Inspected Objects');
      const root = view.locator('.monaco-list-row', { hasText: / \d+s old/ }).first();
      await root.waitFor({ state: 'visible', timeout: 20_000 });
      const age = async () => Number(/ (\d+)s old/.exec(await root.innerText())?.[1] ?? NaN);
      const first = await age();
      await new Promise((r) => setTimeout(r, 4500));
      return { first, later: await age() };
    },
  },
];
