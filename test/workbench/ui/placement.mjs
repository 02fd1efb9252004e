// UI checks for test/suite/placement.test.ts: where the views are, as a user sees them.
import { viewPane } from '../uiHelpers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TITLES = ['Live References', 'Inspected Objects'];

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

export default [
  {
    name: 'placementPanes',
    onDemand: true,
    async run(page, ctx) {
      const deadline = Date.now() + 20_000;
      let panes;
      for (;;) {
        panes = await Promise.all(TITLES.map((t) => paneInfo(page, t)));
        const wanted = ctx.args.waitFor ?? [];
        const rowShown = !ctx.args.rowText || await viewPane(page, 'Live References').locator('.monaco-list-row', { hasText: ctx.args.rowText }).first().isVisible().catch(() => false);
        if (wanted.every((t) => panes.find((p) => p.title === t)?.visible) && rowShown) break;
        if (Date.now() > deadline) break;
        await sleep(250);
      }
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
      await sleep(300);
      const expanded = (await root.getAttribute('aria-expanded')) === 'true';
      const focused = await pane.evaluate((el) => el.contains(document.activeElement));
      const children = (await pane.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      return { expanded, focused, children, screenshot: await ctx.screenshot(ctx.args.screenshot ?? 'inspected') };
    },
  },
];
