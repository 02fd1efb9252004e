// @ts-check
// UI checks on the Live References panel container. Run by the harness after the in-host suites.
import { paneHeader, showLiveReferences } from '../uiHelpers.mjs';

/** @type {import('../harness.mjs').UiCheck[]} */
export default [
  {
    name: 'Live References and Inspected Objects share a panel next to the Debug Console',
    async run(page, ctx) {
      await showLiveReferences(page);
      const panel = page.locator('.part.panel');
      for (const title of ['Live References', 'Inspected Objects']) {
        const header = panel.locator('.pane-header', { has: page.locator('h3.title', { hasText: title }) }).first();
        await header.waitFor({ state: 'visible', timeout: 15_000 });
      }
      // The Debug Console is a tab of the same panel: one click away, not replaced.
      const tabs = await panel.locator('.composite-bar .action-item .action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
      if (!tabs.some((t) => /Debug Console/i.test(t))) throw new Error(`the panel has no Debug Console tab: ${tabs.join(' | ')}`);
      await paneHeader(page, 'Live References').waitFor({ state: 'visible' });
      return { tabs, screenshot: await ctx.screenshot('live-references-view') };
    },
  },
];
