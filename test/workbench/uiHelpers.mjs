// @ts-check
// Helpers for UI checks (test/workbench/ui/*.mjs) driving the code-server workbench page with
// playwright-core. Every wait is bounded.
import { TimeoutError, waitFor } from './wait.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').Frame} Frame */
/** @typedef {import('playwright-core').Locator} Locator */

/**
 * Runs a command through the command palette (F1), by its title as shown there.
 * @param {Page} page
 * @param {string} title
 */
export async function runPaletteCommand(page, title, { timeoutMs = 15_000 } = {}) {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  const deadline = Date.now() + timeoutMs;
  // An open palette does not pick up commands registered after it opened (an extension host
  // still starting): reopen it until the command is there.
  for (let attempt = 0; ; attempt++) {
    await page.locator('.monaco-workbench').click({ position: { x: 5, y: 300 }, timeout: 5000 }).catch(() => undefined);
    await page.keyboard.press(attempt % 2 ? 'Control+Shift+P' : 'F1');
    if (await input.isVisible({ timeout: 3000 }).catch(() => false)) {
      await input.fill(`>${title}`);
      if (await row.waitFor({ state: 'visible', timeout: Math.min(5000, Math.max(1000, deadline - Date.now())) }).then(() => true, () => false)) break;
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`the command palette has no "${title}"`);
      continue;
    }
    if (Date.now() > deadline) throw new Error('the command palette did not open');
  }
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
}

/**
 * Opens the Run and Debug container (command palette, then Ctrl+Shift+D as a fallback).
 * @param {Page} page
 */
export async function showRunAndDebug(page, { timeoutMs = 20_000 } = {}) {
  const viewlet = page.locator('.part.sidebar .composite.viewlet#workbench\\.view\\.debug, #workbench\\.view\\.debug');
  try {
    await runPaletteCommand(page, 'View: Show Run and Debug', { timeoutMs });
  } catch {
    await page.keyboard.press('Control+Shift+D');
  }
  await viewlet.first().waitFor({ state: 'visible', timeout: timeoutMs });
  return viewlet.first();
}

/**
 * Shows the Live References panel container (Live References + Inspected Objects).
 * @param {Page} page
 */
export async function showLiveReferences(page, { timeoutMs = 20_000 } = {}) {
  await runPaletteCommand(page, 'Focus on Live References View', { timeoutMs });
  await paneHeader(page, 'Live References').waitFor({ state: 'visible', timeout: timeoutMs });
}

const PARTS = ['.part.sidebar', '.part.panel', '.part.auxiliarybar'];

/**
 * The view pane header with this title in the side bar, the panel or the secondary side bar.
 * @param {Page} page
 * @param {string} title
 * @returns {Locator}
 */
export function paneHeader(page, title) {
  return page.locator(PARTS.map((p) => `${p} .pane-header`).join(', '), { has: page.locator('h3.title', { hasText: title }) }).first();
}

/**
 * The whole view pane (header and body) with this title.
 * @param {Page} page
 * @param {string} title
 * @returns {Locator}
 */
export function viewPane(page, title) {
  return page.locator(PARTS.map((p) => `${p} .pane`).join(', '), { has: page.locator('.pane-header h3.title', { hasText: title }) }).first();
}

/**
 * Webviews are nested iframes (an outer host frame and an inner 'active-frame'). Polls all frames
 * of the page until one has an element matching the selector; returns that frame.
 * @param {Page} page
 * @param {string} selector
 * @returns {Promise<Frame>}
 */
export async function findFrameWith(page, selector, { timeoutMs = 30_000, pollMs = 250 } = {}) {
  const frameWith = async () => {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const count = await frame.locator(selector).count().catch(() => 0);
      if (count > 0) return frame;
    }
    return undefined;
  };
  return waitFor(`a frame with '${selector}'`, frameWith, timeoutMs, pollMs).catch((error) => {
    if (!(error instanceof TimeoutError)) throw error;
    const urls = page.frames().map((f) => f.url().slice(0, 100));
    throw new Error(`no frame has '${selector}' after ${timeoutMs} ms; frames:\n  ${urls.join('\n  ')}`);
  });
}

/**
 * Text of every frame (first chars), for failure messages.
 * @param {Page} page
 */
export async function describeFrames(page, chars = 200) {
  const lines = [];
  for (const f of page.frames()) {
    const text = await f.evaluate(() => document.body?.innerText ?? '').catch(() => '?');
    lines.push(`${f.url().slice(0, 90)} ${JSON.stringify(text.slice(0, chars))}`);
  }
  return lines.join('\n');
}
