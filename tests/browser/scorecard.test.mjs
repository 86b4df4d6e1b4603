// Scorecard browser tests: a KAM edits a value inline and sees the status change,
// with htmx and without JavaScript; a bad value is refused in place.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertPagesValid, checkPage } from './lib/check.mjs';
import { startServer } from './lib/server.mjs';
import { DEMO_PASSWORD, launchBrowser, login, newContext, watchForErrors } from './lib/browser.mjs';

const TEST_TIMEOUT = 90_000;
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

/** Opens Helios Energy's scorecard as its KAM (Alice). */
async function openHelios(context) {
  const page = await context.newPage();
  const problems = await watchForErrors(page);
  await login(page, baseUrl, 'kam.alice@boussole.example', DEMO_PASSWORD);
  await page.getByRole('link', { name: 'Helios Energy' }).click();
  await page.locator('h1', { hasText: 'Helios Energy' }).waitFor();
  return { page, problems };
}

const row = (page, code) => page.locator(`tr[data-kpi-code="${code}"]`);

describe('scorecard', () => {
  test('a KAM edits a value inline (htmx) and sees the status change', { timeout: TEST_TIMEOUT }, async () => {
    const context = await newContext(browser, baseUrl);
    const { page, problems } = await openHelios(context);
    const response = row(page, 'response_time');
    assert.equal(await response.getAttribute('data-rag'), 'red', 'planted red in the demo');
    const urlBefore = page.url();
    const overallBefore = await page.locator('#overall [data-score]').getAttribute('data-score');
    await checkPage(page);

    await response.locator('summary').click();
    await response.locator('input[name="value"]').fill('1');
    await response.getByRole('button', { name: 'Enregistrer' }).click();

    // The row is swapped in place: green, in words as well as colour.
    await page.locator('tr[data-kpi-code="response_time"][data-rag="green"]').waitFor({ timeout: 15_000 });
    assert.equal((await row(page, 'response_time').locator('.badge').innerText()).trim(), 'Dans l’objectif');
    assert.equal(page.url(), urlBefore, 'no full page navigation with htmx');
    await page.locator('#flash-area .flash--success').waitFor();
    const overallAfter = await page.locator('#overall [data-score]').getAttribute('data-score');
    assert.ok(Number(overallAfter) > Number(overallBefore), `balanced score rose: ${overallBefore} → ${overallAfter}`);
    assert.match(await page.locator('#explanation').innerText(), /Délai moyen de réponse/);
    // Focus returns to the edited KPI for keyboard users.
    assert.equal(await page.evaluate(() => document.activeElement?.closest('tr')?.dataset.kpiCode), 'response_time');
    await checkPage(page, 'scorecard after an htmx edit');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a bad value is refused in place with the input kept', { timeout: TEST_TIMEOUT }, async () => {
    const context = await newContext(browser, baseUrl);
    const { page, problems } = await openHelios(context);
    const resolution = row(page, 'problem_resolution');
    await resolution.locator('summary').click();
    await resolution.locator('input[name="value"]').fill('beaucoup');
    await resolution.getByRole('button', { name: 'Enregistrer' }).click();
    const error = page.locator('tr[data-kpi-code="problem_resolution"] .field__error');
    await error.waitFor({ timeout: 15_000 });
    assert.match(await error.innerText(), /Saisissez un nombre/);
    assert.equal(await row(page, 'problem_resolution').locator('input[name="value"]').inputValue(), 'beaucoup');
    assert.equal(await row(page, 'problem_resolution').getAttribute('data-rag'), 'red', 'unchanged');
    await checkPage(page, 'scorecard with a refused value (htmx)');
    // Chromium logs every 4xx answer as a resource error; the 422 is the point here.
    assert.deepEqual(problems.filter((p) => !p.includes('status of 422')), []);
    await context.close();
  });

  test('the same edit works without JavaScript', { timeout: TEST_TIMEOUT }, async () => {
    const context = await newContext(browser, baseUrl, { javaScriptEnabled: false });
    const { page } = await openHelios(context);
    const resolution = row(page, 'problem_resolution');
    assert.equal(await resolution.getAttribute('data-rag'), 'red');
    await resolution.locator('summary').click();
    await resolution.locator('input[name="value"]').fill('95');
    await Promise.all([
      page.waitForNavigation(),
      resolution.getByRole('button', { name: 'Enregistrer' }).click(),
    ]);
    assert.equal(await row(page, 'problem_resolution').getAttribute('data-rag'), 'green');
    await page.locator('.flash--success').waitFor();
    await checkPage(page, 'scorecard after a plain-form edit (no JavaScript)');
    await context.close();
  });
});

// Every page kept by checkPage above, through the Nu HTML checker in one JVM.
test('the Nu HTML checker finds no error on the pages visited', { timeout: 120_000 }, async () => {
  const checked = await assertPagesValid();
  assert.ok(checked > 0, 'no page was checked');
});
