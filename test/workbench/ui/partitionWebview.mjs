// @ts-check
// The heap partition webview draws its d3 chart. On demand: the in-host test in
// test/suite/smoke.test.ts starts a debugpy session, runs liveReferences.showPartition and then
// calls ui('partitionWebview') while the session is live.
import { describeFrames, findFrameWith } from '../uiHelpers.mjs';

/** @type {import('../harness.mjs').UiCheck[]} */
export default [
  {
    name: 'partitionWebview',
    onDemand: true,
    async run(page, ctx) {
      const minBars = ctx.args?.minBars ?? 1;
      let frame;
      try {
        frame = await findFrameWith(page, 'svg rect.bar, svg path.bar', { timeoutMs: ctx.args?.timeoutMs ?? 45_000 });
      } catch (error) {
        throw new Error(`${/** @type {Error} */ (error).message}\nframes:\n${await describeFrames(page)}`);
      }
      const bars = await frame.locator('svg rect.bar, svg path.bar').count();
      if (bars < minBars) throw new Error(`the partition chart has ${bars} bars, expected at least ${minBars}`);
      // The chart is drawn whole (no transitions): its labels are there with its bars.
      const labels = await frame.locator('svg .bar-label').allTextContents().catch(() => []);
      return { bars, labels: labels.slice(0, 20), screenshot: await ctx.screenshot('partition-webview') };
    },
  },
];
