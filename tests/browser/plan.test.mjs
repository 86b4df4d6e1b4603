// Account plan browser test (issue 12, "What it must show" 1): a KAM creates an
// action from a red KPI row of the scorecard, assigns it to a client contact with
// a date, and the "red KPI without action" alert disappears for that KPI.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { checkPage } from './lib/check.mjs';
import { startServer } from './lib/server.mjs';
import { DEMO_PASSWORD, launchBrowser, login, newContext, watchForErrors } from './lib/browser.mjs';

const TEST_TIMEOUT = 120_000;
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

describe('account plan', () => {
  test('an action created from a red KPI row clears the alert for that KPI', { timeout: TEST_TIMEOUT }, async () => {
    const context = await newContext(browser, baseUrl);
    const page = await context.newPage();
    const problems = await watchForErrors(page);
    await login(page, baseUrl, 'kam.alice@boussole.example', DEMO_PASSWORD);

    // Alice's accounts, until one scorecard raises the alert.
    await page.goto(new URL('/accounts', baseUrl).href);
    const links = await page.locator('table a[href^="/accounts/"]').evaluateAll((as) =>
      [...new Set(as.map((a) => a.getAttribute('href')).filter((h) => /^\/accounts\/\d+$/.test(h)))]);
    let board = null;
    let kpi = null;
    for (const href of links) {
      await page.goto(new URL(href, baseUrl).href);
      const alert = page.locator('#red-without-action li:has(a)').first();
      if (await alert.count()) {
        kpi = await alert.getAttribute('data-kpi');
        board = href;
        break;
      }
    }
    assert.ok(kpi, 'an account of Alice has a red KPI without an action');

    // From the KPI's row on the scorecard, "Create an action".
    await page.locator(`#kpi-${kpi} a.create-action`).click();
    await page.locator('#new-action form').waitFor();
    const form = page.locator('#new-action form');
    assert.equal(await form.locator(`input[name="kpi"][value="${kpi}"]`).isChecked(), true, 'the KPI is ticked');
    await form.locator('input[name="title"]').fill('Plan de reprise (navigateur)');
    const contact = await form.locator('select[name="owner"] option').evaluateAll((os) =>
      os.map((o) => o.value).find((v) => v.startsWith('c:')));
    assert.ok(contact, 'a client contact is offered as owner');
    await form.locator('select[name="owner"]').selectOption(contact);
    await form.locator('input[name="due"]').fill('2027-03-31');
    await form.getByRole('button', { name: 'Ajouter une action' }).click();
    await page.locator('#flash-area .flash--success').waitFor({ timeout: 15_000 });
    const row = page.locator('#action-table tr', { hasText: 'Plan de reprise (navigateur)' });
    await row.waitFor();
    assert.match(await row.innerText(), /contact client/);
    await checkPage(page, 'plan after an action from a red KPI');

    // Back on the scorecard: no alert for that KPI, the action on its path to green.
    await page.goto(new URL(board, baseUrl).href);
    assert.equal(await page.locator(`#red-without-action li[data-kpi="${kpi}"]`).count(), 0, 'the alert is gone');
    assert.equal(
      (await page.locator(`#green-table tr[data-kpi="${kpi}"] a[data-action]`).innerText()).trim(),
      'Plan de reprise (navigateur)',
    );
    assert.deepEqual(problems, []);
    await context.close();
  });
});
