// Portfolio browser tests (issue 10): the director's /portfolio opens on what
// needs attention, shows at least 8 accounts above the fold at 1440×900, and on a
// phone (390×844) every account's status reads inside the screen.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './lib/server.mjs';
import { DEMO_PASSWORD, launchBrowser, login, newContext, watchForErrors } from './lib/browser.mjs';

const TEST_TIMEOUT = 90_000;
const DIRECTOR = 'direction@boussole.example';
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

// How much a status asks for attention; the same order as the page's default sort
// (src/portfolio/view.rs `severity`): red, amber, no score, green.
const SEVERITY = { red: 3, amber: 2, none: 1, green: 0 };

async function openPortfolio(viewport) {
  const context = await newContext(browser, baseUrl, { viewport });
  const page = await context.newPage();
  const problems = await watchForErrors(page);
  const landed = await login(page, baseUrl, DIRECTOR, DEMO_PASSWORD);
  assert.equal(landed.pathname, '/portfolio', 'the director lands on the portfolio');
  await page.locator('#portfolio-table').waitFor();
  return { context, page, problems };
}

describe('portfolio', () => {
  test('at 1440×900 it opens attention-first with at least 8 accounts above the fold', { timeout: TEST_TIMEOUT }, async () => {
    const { context, page, problems } = await openPortfolio({ width: 1440, height: 900 });

    // The default order is visible in the sort control.
    assert.equal(await page.locator('#f-sort').inputValue(), 'attention');

    const statuses = await page.locator('tr[data-account]').evaluateAll((rows) =>
      rows.map((r) => r.querySelector('[data-col="score"]').getAttribute('data-status')));
    assert.ok(statuses.length >= 8, `${statuses.length} accounts`);
    // The demo tells a story (src/demo/scorecard.rs): a real spread of statuses,
    // at least 2 accounts at risk and 3 to watch, the at-risk ones first.
    const count = (s) => statuses.filter((x) => x === s).length;
    assert.ok(count('red') >= 2, `at least 2 accounts at risk: ${statuses.join(', ')}`);
    assert.ok(count('amber') >= 3, `at least 3 accounts to watch: ${statuses.join(', ')}`);
    assert.equal(statuses[0], 'red', 'an account at risk opens the list');
    for (let i = 1; i < statuses.length; i++) {
      assert.ok(
        SEVERITY[statuses[i - 1]] >= SEVERITY[statuses[i]],
        `row ${i} (${statuses[i - 1]}) before row ${i + 1} (${statuses[i]}): ${statuses.join(', ')}`,
      );
    }

    // Rows whose whole box lies above the fold, and inside the window sideways
    // for the account column (sticky).
    const boxes = await page.locator('tr[data-account]').evaluateAll((rows) =>
      rows.map((r) => {
        const b = r.getBoundingClientRect();
        return { top: b.top, bottom: b.bottom };
      }));
    const above = boxes.filter((b) => b.top >= 0 && b.bottom <= 900).length;
    console.log(`1440×900: ${above} of ${boxes.length} account rows above the fold; statuses ${statuses.join(', ')}`);
    assert.ok(above >= 8, `only ${above} account rows above the fold`);

    // Every status is written in words, not colour alone.
    const labels = await page.locator('tr[data-account] [data-col="score"] .status-text').allInnerTexts();
    assert.equal(labels.length, statuses.length);
    for (const l of labels) assert.ok(l.trim().length > 0, 'status in words');

    // The account column stays in view when the table scrolls sideways.
    await page.locator('.portfolio-wrap').evaluate((w) => { w.scrollLeft = w.scrollWidth; });
    const name = await page.locator('tr[data-account] th[data-col="name"]').first().boundingBox();
    const wrap = await page.locator('.portfolio-wrap').boundingBox();
    assert.ok(name.x >= wrap.x - 1 && name.x < wrap.x + 10, `account column sticky: ${name.x} vs ${wrap.x}`);

    assert.deepEqual(problems, []);
    await context.close();
  });

  test('an explicit sort still works and the filters keep the state in the URL', { timeout: TEST_TIMEOUT }, async () => {
    const { context, page } = await openPortfolio({ width: 1440, height: 900 });
    await page.locator('#f-sort').selectOption('name');
    await page.locator('#portfolio-filters button[type="submit"]').click();
    await page.waitForURL((u) => u.searchParams.get('sort') === 'name');
    const names = await page.locator('tr[data-account] th[data-col="name"] a:first-child').allInnerTexts();
    const sorted = [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
    assert.deepEqual(names, sorted);
    await context.close();
  });

  test('at 390×844 every account status lies inside the screen', { timeout: TEST_TIMEOUT }, async () => {
    const { context, page, problems } = await openPortfolio({ width: 390, height: 844 });
    const boxes = await page.locator('tr[data-account] [data-col="score"] .status-text').evaluateAll((els) =>
      els.map((e) => {
        const b = e.getBoundingClientRect();
        return { left: b.left, right: b.right, width: b.width, text: e.textContent.trim() };
      }));
    assert.ok(boxes.length >= 8, `${boxes.length} statuses`);
    for (const b of boxes) {
      assert.ok(b.width > 0 && b.left >= 0 && b.right <= 390, `status ${JSON.stringify(b)} outside 0–390 px`);
    }
    const names = await page.locator('tr[data-account] th[data-col="name"]').evaluateAll((els) =>
      els.map((e) => e.getBoundingClientRect().right));
    for (const r of names) assert.ok(r <= 390, `account name ends at ${r}px`);
    const docWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    console.log(`390×844: ${boxes.length} statuses inside the screen; document ${docWidth}px wide`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('printed, every column fits an A4 landscape sheet and no form or button shows', { timeout: TEST_TIMEOUT }, async () => {
    // A4 landscape less the 8 mm margins of print.css: 281 mm ≈ 1062 CSS px.
    const { context, page } = await openPortfolio({ width: 1062, height: 750 });
    await page.emulateMedia({ media: 'print' });
    const widths = await page.evaluate(() => ({
      doc: document.documentElement.scrollWidth,
      table: document.querySelector('#portfolio-table').getBoundingClientRect().right,
      lastHeader: document.querySelector('#portfolio-table thead th:last-child').getBoundingClientRect().right,
    }));
    console.log(`print at 1062 px: ${JSON.stringify(widths)}`);
    assert.ok(widths.lastHeader <= 1062 && widths.doc <= 1062, `columns overflow the sheet: ${JSON.stringify(widths)}`);
    assert.equal(await page.locator('#portfolio-filters').isVisible(), false, 'no filter form on paper');
    assert.equal(await page.locator('#portfolio-csv').isVisible(), false, 'no button on paper');
    await context.close();
  });
});
