// Phone-sized pages (390×844): on a KAM's scorecard and on the client's portal,
// every KPI row is a card whose status text lies inside the screen, with no
// sideways scrolling, and the entry form is still reachable.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertPagesValid, checkPage } from './lib/check.mjs';
import { startServer } from './lib/server.mjs';
import { DEMO_PASSWORD, launchBrowser, login, newContext, watchForErrors } from './lib/browser.mjs';

const PHONE = { width: 390, height: 844 };
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

/** Boxes of every KPI row's status text, and the page's own scroll width. */
async function statusBoxes(page) {
  const rows = page.locator('tr[data-kpi-code]');
  const n = await rows.count();
  assert.ok(n > 0, 'the scorecard has KPI rows');
  const boxes = [];
  for (let i = 0; i < n; i += 1) {
    const row = rows.nth(i);
    const code = await row.getAttribute('data-kpi-code');
    const badge = row.locator('.col-status .badge');
    assert.equal(await badge.count(), 1, `${code} has one status badge`);
    await badge.scrollIntoViewIfNeeded();
    const box = await badge.boundingBox();
    assert.ok(box, `${code}: status is rendered`);
    assert.notEqual((await badge.innerText()).trim(), '', `${code}: status in words`);
    boxes.push({ code, left: box.x, right: box.x + box.width });
  }
  return boxes;
}

function assertInside(boxes) {
  const outside = boxes.filter((b) => b.left < 0 || b.right > PHONE.width);
  assert.deepEqual(outside, [], `status text outside the ${PHONE.width}px screen`);
}

describe('phone-sized scorecards', () => {
  test('a KAM sees every status on a demo scorecard and can still enter a value', { timeout: 120_000 }, async () => {
    const context = await newContext(browser, baseUrl, { viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const problems = await watchForErrors(page);
    await login(page, baseUrl, 'kam.alice@boussole.example', DEMO_PASSWORD);
    await page.getByRole('link', { name: 'Lumière Retail', exact: true }).first().click();
    await page.locator('h1', { hasText: 'Lumière Retail' }).waitFor();
    const boxes = await statusBoxes(page);
    console.log(`# KAM scorecard at 390 px: ${boxes.length} statuses, leftmost ${Math.min(...boxes.map((b) => b.left)).toFixed(0)} px, rightmost ${Math.max(...boxes.map((b) => b.right)).toFixed(0)} px`);
    assertInside(boxes);
    // The first row's entry form opens inside the screen.
    const first = page.locator('tr[data-kpi-code]').first();
    await first.locator('.inline-edit summary').click();
    const input = first.locator('input[name="value"]');
    await input.waitFor({ state: 'visible' });
    const box = await input.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `value input at ${box.x}..${box.x + box.width}`);
    await checkPage(page, 'KAM scorecard at 390 px, entry form open');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the demo client sees every status on the portal', { timeout: 120_000 }, async () => {
    const context = await newContext(browser, baseUrl, { viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const problems = await watchForErrors(page);
    await login(page, baseUrl, 'client@lumiere-retail.example', DEMO_PASSWORD);
    assert.equal(new URL(page.url()).pathname, '/portal');
    const boxes = await statusBoxes(page);
    console.log(`# portal at 390 px: ${boxes.length} statuses, leftmost ${Math.min(...boxes.map((b) => b.left)).toFixed(0)} px, rightmost ${Math.max(...boxes.map((b) => b.right)).toFixed(0)} px`);
    assertInside(boxes);
    await checkPage(page, '/portal at 390 px');
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test('the Nu HTML checker finds no error on the pages visited', { timeout: 120_000 }, async () => {
  const checked = await assertPagesValid();
  assert.ok(checked > 0, 'no page was checked');
});
