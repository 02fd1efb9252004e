// @ts-check
// UI checks for the product suites (test/suite/liveRefsView.test.ts, partitionView.test.ts): the
// in-host tests call ui('<name>') and these run against the real workbench page meanwhile.
import { paneHeader, viewPane, showLiveReferences, findFrameWith, describeFrames } from '../uiHelpers.mjs';
import { waitFor } from '../wait.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').Locator} Locator */

/**
 * A partition table row by its exact label (labels are untrusted text: quote them for CSS).
 * @param {string} label
 */
const rowSelector = (label) => `.partition-table tbody tr[data-label=${JSON.stringify(label)}]`;

/**
 * Did anything from the debuggee run or parse as markup in the webview?
 * @param {import('playwright-core').Frame} frame
 */
const probeHtml = (frame) => frame.evaluate(() => ({
  scripts: [...document.querySelectorAll('script')].filter((s) => /injected/.test(s.textContent ?? '')).length,
  injected: document.body.id === 'injected' || !!document.querySelector('img, .partition-table script, svg script, #samples script'),
}));

/**
 * The view pane with this title in the Live References panel, expanded.
 * @param {Page} page
 * @param {string} title
 */
async function pane(page, title) {
  if (!(await paneHeader(page, title).isVisible().catch(() => false))) await showLiveReferences(page);
  const header = paneHeader(page, title);
  await header.waitFor({ state: 'visible', timeout: 15_000 });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return viewPane(page, title);
}

/**
 * @param {Locator} paneLocator
 * @param {string} text
 */
function row(paneLocator, text) {
  return paneLocator.locator('.monaco-list-row', { hasText: text }).first();
}

/** @param {Locator} paneLocator */
async function rowTexts(paneLocator) {
  return (await paneLocator.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/**
 * A row under "Why is this alive?" (expanded first if it is not), once the chain has come.
 * @param {Locator} view the Inspected Objects pane
 * @param {string} text
 */
async function whyRow(view, text) {
  const why = row(view, 'Why is this alive?');
  await why.waitFor({ state: 'visible', timeout: 20_000 });
  if ((await why.getAttribute('aria-expanded')) !== 'true') await why.click();
  const found = row(view, text);
  await found.waitFor({ state: 'visible', timeout: 60_000 });
  return found;
}

/** @type {import('../harness.mjs').UiCheck[]} */
export default [
  {
    name: 'liveRefsRows',
    onDemand: true,
    async run(page, ctx) {
      const view = await pane(page, 'Live References');
      for (const cls of ctx.args.classes ?? []) await row(view, cls).waitFor({ state: 'visible', timeout: 20_000 });
      for (const cls of ctx.args.absent ?? []) {
        await waitFor(`${cls} to go`, async () => !await row(view, cls).isVisible().catch(() => false), 15_000, 200)
          .catch(() => { throw new Error(`${cls} is still shown`); });
      }
      const rows = await rowTexts(view);
      const screenshot = await ctx.screenshot(ctx.args.screenshot ?? 'live-references-rows');
      return { rows, screenshot };
    },
  },
  {
    name: 'clickLiveRefsRow',
    onDemand: true,
    async run(page, ctx) {
      const view = await pane(page, 'Live References');
      const target = view.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${ctx.args.className}$`) }) }).first();
      await target.waitFor({ state: 'visible', timeout: 20_000 });
      await target.click();
      return { clicked: ctx.args.className };
    },
  },
  {
    name: 'ignoreLiveRefsRow',
    onDemand: true,
    async run(page, ctx) {
      const view = await pane(page, 'Live References');
      const target = view.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${ctx.args.className}$`) }) }).first();
      await target.waitFor({ state: 'visible', timeout: 20_000 });
      const action = target.locator('.action-label[aria-label="Hide Class and Subclasses"]');
      // Inline actions show on hover; a hover tooltip of a neighbouring row can sit on top of the
      // row in the short panel, so move away first and try again if the actions did not appear.
      for (let attempt = 0; ; attempt++) {
        await page.mouse.move(700, 300);
        await page.locator('.monaco-hover:visible, .workbench-hover:visible').first().waitFor({ state: 'detached', timeout: 3000 }).catch(() => undefined);
        await target.scrollIntoViewIfNeeded();
        await target.hover({ position: { x: 40, y: 8 } });
        if (await action.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)) break;
        if (attempt >= 3) throw new Error(`the inline actions of ${ctx.args.className} did not appear`);
      }
      await action.click();
      return { ignored: ctx.args.className };
    },
  },
  {
    name: 'inspectorShows',
    onDemand: true,
    async run(page, ctx) {
      const view = await pane(page, 'Inspected Objects');
      const opened = row(view, ctx.args.text);
      await opened.waitFor({ state: 'visible', timeout: 20_000 });
      // The object opens expanded: its children in the picture too.
      await waitFor('the object expanded', async () => (await opened.getAttribute('aria-expanded')) === 'true', 5000, 100).catch(() => undefined);
      return { rows: await rowTexts(view), screenshot: await ctx.screenshot(ctx.args.screenshot ?? 'inspector') };
    },
  },
  {
    name: 'clickLeakSite',
    onDemand: true,
    async run(page, ctx) {
      const view = await pane(page, 'Inspected Objects');
      const leak = await whyRow(view, 'Leak site');
      const rows = await rowTexts(view);
      await ctx.screenshot('why-is-this-alive');
      await leak.click();
      // The editor opens on the leak line next to the chain that led there (the README's picture).
      await page.locator('.editor-group-container .monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: 15_000 }).catch(() => undefined);
      // The leak line selected (or at least the cursor's line highlighted).
      await page.locator('.editor-group-container .monaco-editor .selected-text, .editor-group-container .monaco-editor .current-line').first()
        .waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
      await ctx.screenshot('leak-site');
      return { rows };
    },
  },
  {
    // Go to Holder from the why chain: the row `Holder: NAME` under Why is this alive? opens the
    // line that defines the holder; the editor's active line number must be that line.
    name: 'clickHolder',
    onDemand: true,
    async run(page, ctx) {
      const view = await pane(page, 'Inspected Objects');
      const holder = await whyRow(view, `Holder: ${ctx.args.name}`);
      const rows = await rowTexts(view);
      await holder.click();
      const tab = page.locator('.tabs-container .tab.active', { hasText: ctx.args.file }).first();
      await tab.waitFor({ state: 'visible', timeout: 15_000 });
      const editor = page.locator('.editor-group-container .monaco-editor').first();
      /** @type {string | undefined} */
      let activeLine;
      await waitFor(`the editor on line ${ctx.args.line}`, async () => {
        activeLine = (await editor.locator('.line-numbers.active-line-number').first().textContent().catch(() => undefined))?.trim();
        return activeLine === String(ctx.args.line);
      }, 15_000, 200).catch(() => { throw new Error(`the editor is on line ${activeLine}, not ${ctx.args.line}`); });
      await ctx.screenshot(ctx.args.screenshot ?? 'go-to-holder');
      return { rows, activeLine };
    },
  },
  {
    name: 'pickFromIterateAll',
    onDemand: true,
    async run(page, ctx) {
      const widget = page.locator('.quick-input-widget');
      await widget.waitFor({ state: 'visible', timeout: 20_000 });
      const input = widget.locator('input');
      await widget.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: 20_000 });
      if (ctx.args.filter) {
        await input.fill(ctx.args.filter);
        // The agent filters (debounced 250 ms); wait until every shown row matches.
        const re = new RegExp(ctx.args.filter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
        /** @type {string[]} */
        let texts = [];
        await waitFor(`quick pick rows matching ${ctx.args.filter}`, async () => {
          texts = await widget.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
          return texts.length >= (ctx.args.minItems ?? 1) && texts.filter((t) => !/Load more/.test(t)).every((t) => re.test(t));
        }, 15_000, 200).catch(() => { throw new Error(`quick pick rows do not all match ${ctx.args.filter}: ${texts.slice(0, 5).join(' | ')}`); });
      }
      const items = (await widget.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts()).filter((t) => !/Load more/.test(t));
      await ctx.screenshot('iterate-all');
      await input.press('Enter');
      return { items };
    },
  },
  {
    name: 'partitionClickRow',
    onDemand: true,
    async run(page, ctx) {
      let frame;
      try {
        frame = await findFrameWith(page, rowSelector(ctx.args.label), { timeoutMs: ctx.args.timeoutMs ?? 90_000 });
      } catch (error) {
        throw new Error(`${/** @type {Error} */ (error).message}\n${await describeFrames(page)}`);
      }
      const labels = await frame.locator('.partition-table tbody tr td.label').allTextContents();
      if (ctx.args.screenshot) await ctx.screenshot(ctx.args.screenshot);
      await frame.locator(rowSelector(ctx.args.label)).first().click();
      return { labels: labels.slice(0, 30) };
    },
  },
  {
    name: 'partitionRows',
    onDemand: true,
    async run(page, ctx) {
      const frame = await findFrameWith(page, ctx.args.selector ?? '.partition-table tbody tr', { timeoutMs: ctx.args.timeoutMs ?? 90_000 });
      if (ctx.args.measure) await frame.locator('#toolbar button.toggle', { hasText: ctx.args.measure }).click();
      if (ctx.args.waitForText) {
        // Until the row shows; the labels then are the answer, the row among them or not.
        await waitFor(`a row labelled ${ctx.args.waitForText}`, async () => (await frame.locator('.partition-table tbody tr td.label').allTextContents()).includes(ctx.args.waitForText), 30_000, 250)
          .catch(() => undefined);
      }
      const labels = await frame.locator('.partition-table tbody tr td.label').allTextContents();
      const html = ctx.args.probeHtml ? await probeHtml(frame) : undefined;
      if (ctx.args.screenshot) await ctx.screenshot(ctx.args.screenshot);
      return { labels, html };
    },
  },
  {
    name: 'partitionClickSample',
    onDemand: true,
    async run(page, ctx) {
      const frame = await findFrameWith(page, '#samples button.sample', { timeoutMs: 30_000 });
      const samples = await frame.locator('#samples button.sample').allTextContents();
      const html = ctx.args.probeHtml ? await probeHtml(frame) : undefined;
      const target = ctx.args.contains ? frame.locator('#samples button.sample', { hasText: ctx.args.contains }).first() : frame.locator('#samples button.sample').first();
      if (ctx.args.screenshot) await ctx.screenshot(ctx.args.screenshot);
      await target.click();
      return { samples, html };
    },
  },
];
