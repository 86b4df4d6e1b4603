// The client's next step on /portal: the demo client follows "N values await your
// validation", ticks two values and validates them with one button (no script
// needed: a plain form), and the portal then counts two fewer.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './lib/server.mjs';
import { DEMO_PASSWORD, launchBrowser, login, newContext, watchForErrors } from './lib/browser.mjs';

let server;
let browser;
let baseUrl;

before(async () => {
  server = await startServer({ repoRoot: new URL('../..', import.meta.url) });
  baseUrl = server.baseUrl;
  browser = await launchBrowser();
}, { timeout: 180_000 });

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (server) await server.stop();
  }
});

const awaitingCount = async (page) => {
  const text = await page.locator('#awaiting-notice a').innerText();
  const m = text.match(/^(\d+) valeurs? attend/);
  assert.ok(m, `the notice says how many: ${text}`);
  return Number(m[1]);
};

describe('portal next step', () => {
  test('the demo client validates two values at once', { timeout: 120_000 }, async () => {
    const context = await newContext(browser, baseUrl);
    const page = await context.newPage();
    const problems = await watchForErrors(page);

    await login(page, baseUrl, 'client@lumiere-retail.example', DEMO_PASSWORD);
    const before = await awaitingCount(page);
    assert.ok(before >= 2, `values await the client (${before})`);
    const boxes = page.locator('#to-validate input[type=checkbox][name=value]');
    assert.equal(await boxes.count(), before, 'the list holds every awaiting value');

    // The notice links to the list.
    await page.locator('#awaiting-notice a').click();
    assert.equal(new URL(page.url()).hash, '#to-validate');

    const first = await boxes.nth(0).getAttribute('value');
    const second = await boxes.nth(1).getAttribute('value');
    // Ticked through their labels, as a user would.
    await page.locator(`label[for="validate-${first}"]`).click();
    await page.locator(`label[for="validate-${second}"]`).click();
    await page.locator('#validate-selected').click();
    await page.locator('.flash--success').waitFor();
    assert.match(await page.locator('.flash--success').innerText(), /2 valeurs validées/);

    assert.equal(await awaitingCount(page), before - 2);
    assert.equal(await page.locator(`#validate-${first}`).count(), 0);
    assert.equal(await page.locator(`#validate-${second}`).count(), 0);

    assert.deepEqual(problems, []);
    await context.close();
  });
});
