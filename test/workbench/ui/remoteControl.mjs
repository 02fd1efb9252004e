// @ts-check
// UI checks for the remote-control suite (test/suite/remoteControl.test.ts): "Attach to Scrapy
// Crawl…" as a user picks a crawl found by its job file.
import { waitFor } from '../wait.mjs';

/** @type {import('../harness.mjs').UiCheck[]} */
export default [
  {
    // Waits for the picker row of ctx.args.pid, checks it is listed before any telnet row, and
    // picks it (no password box follows).
    name: 'attachScrapyPickerRemote',
    onDemand: true,
    async run(page, ctx) {
      const widget = page.locator('.quick-input-widget');
      const rows = widget.locator('.monaco-list-row');
      const row = widget.locator('.monaco-list-row', { hasText: `pid ${ctx.args.pid}` }).first();
      let text = '';
      await waitFor(`the picker row of pid ${ctx.args.pid} to match ${ctx.args.expect}`, async () => {
        text = (await row.innerText({ timeout: 1000 }).catch(() => '')).replace(/\s+/g, ' ').trim();
        return new RegExp(ctx.args.expect).test(text);
      }, 20_000, 250).catch(async () => {
        throw new Error(`picker row for pid ${ctx.args.pid}: ${JSON.stringify(text)}; rows: ${(await rows.allInnerTexts()).join(' | ')}`);
      });
      const all = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      if (ctx.args.screenshot) await ctx.screenshot(ctx.args.screenshot);
      await row.click();
      return { text, rows: all };
    },
  },
];
