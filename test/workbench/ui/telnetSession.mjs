// UI checks for the scrapy-telnet suite (test/suite/telnetSession.test.ts): the Debug Console of
// an attached crawl, typed into as a user would.
import { runPaletteCommand } from '../uiHelpers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export default [
  {
    name: 'debugConsoleEvaluate',
    onDemand: true,
    async run(page, ctx) {
      await runPaletteCommand(page, 'Debug Console: Focus on Debug Console View');
      const input = page.locator('.repl-input-wrapper .monaco-editor textarea').first();
      await input.waitFor({ state: 'attached', timeout: 15_000 });
      await page.locator('.repl-input-wrapper').first().click();
      await page.keyboard.type(ctx.args.expression, { delay: 10 });
      await page.keyboard.press('Enter');
      const repl = page.locator('.repl .monaco-list-rows').first();
      const deadline = Date.now() + 20_000;
      let text = '';
      for (;;) {
        text = (await repl.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
        if (ctx.args.expect && new RegExp(ctx.args.expect).test(text)) break;
        if (Date.now() > deadline) throw new Error(`the Debug Console does not show ${ctx.args.expect}:\n${text.slice(-2000)}`);
        await sleep(250);
      }
      if (ctx.args.screenshot) await ctx.screenshot(ctx.args.screenshot);
      return { text };
    },
  },
];
