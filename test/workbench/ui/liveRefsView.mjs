// UI checks on the Run and Debug side bar. Run by the harness after the in-host suites.
import { paneHeader, showRunAndDebug } from '../uiHelpers.mjs';

export default [
  {
    name: 'Live References view is in the Run and Debug side bar',
    async run(page, ctx) {
      await showRunAndDebug(page);
      const header = paneHeader(page, 'Live References');
      await header.waitFor({ state: 'visible', timeout: 15_000 });
      // Expand it if it is collapsed, so that the screenshot shows its content.
      if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
      await page.waitForTimeout(500);
      return { screenshot: await ctx.screenshot('live-references-view') };
    },
  },
];
