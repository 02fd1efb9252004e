// @ts-check
// UI checks for test/suite/placement.test.ts: where the views are, as a user sees them.
import { viewPane } from '../uiHelpers.mjs';
import { waitFor } from '../wait.mjs';

const TITLES = ['Live References', 'Inspected Objects'];

/**
 * @param {import('playwright-core').Page} page
 * @param {string} title
 */
async function paneInfo(page, title) {
  const pane = viewPane(page, title);
  const visible = await pane.isVisible().catch(() => false);
  const header = pane.locator('.pane-header').first();
  const expanded = visible && (await header.getAttribute('aria-expanded').catch(() => null)) !== 'false';
  const box = visible ? await pane.boundingBox().catch(() => null) : null;
  const viewport = page.viewportSize();
  const inViewport = !!box && !!viewport && box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width + 1 && box.y + box.height <= viewport.height + 1;
  return { title, visible: visible && inViewport, expanded, box };
}

/** @type {import('../harness.mjs').UiCheck[]} */
export default [
  {
    name: 'placementPanes',
    onDemand: true,
    async run(page, ctx) {
      /** @type {string[]} */
      const wanted = ctx.args.waitFor ?? [];
      let panes = await Promise.all(TITLES.map((t) => paneInfo(page, t)));
      // Until the panes asked for (and the row) show; what the panes are then is the answer, shown or not.
      await waitFor('the panes to show', async () => {
        panes = await Promise.all(TITLES.map((t) => paneInfo(page, t)));
        const rowShown = !ctx.args.rowText || await viewPane(page, 'Live References').locator('.monaco-list-row', { hasText: ctx.args.rowText }).first().isVisible().catch(() => false);
        return wanted.every((t) => panes.find((p) => p.title === t)?.visible) && rowShown;
      }, 20_000, 250).catch(() => undefined);
      return { panes, screenshot: await ctx.screenshot(ctx.args.screenshot ?? 'placement') };
    },
  },
  {
    name: 'inspectedExpanded',
    onDemand: true,
    async run(page, ctx) {
      const pane = viewPane(page, 'Inspected Objects');
      const root = pane.locator('.monaco-list-row', { hasText: ctx.args.text }).first();
      await root.waitFor({ state: 'visible', timeout: 20_000 });
      await pane.locator('.monaco-list-row', { hasText: ctx.args.child }).first().waitFor({ state: 'visible', timeout: 20_000 });
      const expandedNow = async () => (await root.getAttribute('aria-expanded')) === 'true';
      const focusedNow = () => pane.evaluate((el) => el.contains(document.activeElement));
      // The object opens expanded and takes the focus; what it shows then is the answer.
      await waitFor('the object expanded and focused', async () => await expandedNow() && await focusedNow(), 3000, 100).catch(() => undefined);
      const expanded = await expandedNow();
      const focused = await focusedNow();
      const children = (await pane.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      return { expanded, focused, children, screenshot: await ctx.screenshot(ctx.args.screenshot ?? 'inspected') };
    },
  },
];
