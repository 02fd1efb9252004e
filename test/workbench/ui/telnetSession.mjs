// @ts-check
// UI checks for the scrapy-telnet suite (test/suite/telnetSession.test.ts): the Debug Console of
// an attached crawl, typed into as a user would.
import { runPaletteCommand } from '../uiHelpers.mjs';
import { waitFor } from '../wait.mjs';

/** @type {import('../harness.mjs').UiCheck[]} */
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
      let text = '';
      await waitFor(`the Debug Console to show ${ctx.args.expect}`, async () => {
        text = (await repl.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
        return ctx.args.expect && new RegExp(ctx.args.expect).test(text);
      }, 20_000, 250).catch(() => { throw new Error(`the Debug Console does not show ${ctx.args.expect}:\n${text.slice(-2000)}`); });
      if (ctx.args.screenshot) await ctx.screenshot(ctx.args.screenshot);
      return { text };
    },
  },
  {
    // The "Attach to Scrapy Crawl…" picker (opened by the in-host test): waits for the row of
    // ctx.args.port to match ctx.args.expect, then picks it and answers the password box with
    // ctx.args.password, or dismisses the picker.
    name: 'attachScrapyPicker',
    onDemand: true,
    async run(page, ctx) {
      const widget = page.locator('.quick-input-widget');
      const row = widget.locator('.monaco-list-row', { hasText: `127.0.0.1:${ctx.args.port}` }).first();
      let text = '';
      await waitFor(`the picker row for port ${ctx.args.port} to match ${ctx.args.expect}`, async () => {
        text = (await row.innerText({ timeout: 1000 }).catch(() => '')).replace(/\s+/g, ' ').trim();
        return new RegExp(ctx.args.expect).test(text);
      }, 20_000, 250).catch(async () => {
        throw new Error(`picker row for port ${ctx.args.port}: ${JSON.stringify(text)}; rows: ${(await widget.locator('.monaco-list-row').allInnerTexts()).join(' | ')}`);
      });
      if (ctx.args.screenshot) await ctx.screenshot(ctx.args.screenshot);
      if (!ctx.args.password) {
        await page.keyboard.press('Escape');
        return { text };
      }
      await row.click();
      const box = widget.locator('input[type="password"]');
      await box.waitFor({ state: 'visible', timeout: 15_000 });
      const title = (await widget.locator('.quick-input-title').innerText().catch(() => '')).trim();
      let retryPrompt = '';
      if (ctx.args.wrongPassword) {
        // A wrong one first: the adapter must ask again, saying so.
        await box.fill(ctx.args.wrongPassword);
        await box.press('Enter');
        await widget.getByText('Wrong password', { exact: false }).first().waitFor({ state: 'visible', timeout: 15_000 });
        retryPrompt = (await widget.innerText()).replace(/\s+/g, ' ').trim();
        await box.waitFor({ state: 'visible', timeout: 5_000 });
      }
      await box.fill(ctx.args.password);
      await box.press('Enter');
      return { text, title, retryPrompt };
    },
  },
  {
    // Run and Debug's "Select and Start Debugging": the debug type's dynamic configurations are
    // the crawls running now; picks the one on ctx.args.port.
    name: 'selectAndStartScrapy',
    onDemand: true,
    async run(page, ctx) {
      await runPaletteCommand(page, 'Debug: Select and Start Debugging');
      const widget = page.locator('.quick-input-widget');
      await widget.locator('.monaco-list-row', { hasText: 'Scrapy crawl (telnet console)' }).first().click({ timeout: 15_000 });
      const row = widget.locator('.monaco-list-row', { hasText: `127.0.0.1:${ctx.args.port}` }).first();
      await row.waitFor({ state: 'visible', timeout: 20_000 });
      const text = (await row.innerText()).replace(/\s+/g, ' ').trim();
      if (ctx.args.screenshot) await ctx.screenshot(ctx.args.screenshot);
      await row.click();
      return { text };
    },
  },
];
