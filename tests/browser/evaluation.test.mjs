// Mutual evaluation in two browsers: the client contests a value with a proposal,
// the KAM accepts it, and both see the outcome.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertPagesValid, checkPage } from './lib/check.mjs';
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

describe('mutual evaluation', () => {
  test('the client contests, the KAM accepts the proposal, both see it', { timeout: 120_000 }, async () => {
    const clientContext = await newContext(browser, baseUrl);
    const kamContext = await newContext(browser, baseUrl);
    const client = await clientContext.newPage();
    const kam = await kamContext.newPage();
    const clientProblems = await watchForErrors(client);
    const kamProblems = await watchForErrors(kam);

    await login(client, baseUrl, 'client@lumiere-retail.example', DEMO_PASSWORD);
    await checkPage(client, '/portal');
    // A shared KPI whose latest value awaits the client.
    const row = client.locator('tr[data-validation="awaiting"][data-unit="percent"]').first();
    const code = await row.getAttribute('data-kpi-code');
    await row.locator('th a').click();
    const evaluation = client.locator('#evaluation');
    await evaluation.waitFor();
    assert.equal(await evaluation.getAttribute('data-validation'), 'awaiting');
    await checkPage(client, 'portal KPI page');

    await client.locator('details.contest summary').click();
    await client.locator('#contest-body').fill('Il manque deux livraisons dans ce calcul');
    await client.locator('#proposed_value').fill('42,5');
    await client.locator('#contest-form button[type=submit]').click();
    await client.locator('#evaluation[data-validation="contested"]').waitFor();
    assert.match(await client.locator('#thread').innerText(), /Il manque deux livraisons/);
    await checkPage(client, 'portal KPI page, contested');

    // The KAM finds it in the queue and accepts the proposal.
    await login(kam, baseUrl, 'kam.alice@boussole.example', DEMO_PASSWORD);
    await kam.getByRole('link', { name: 'Validation client' }).click();
    const queued = kam.locator('#queue-contested tbody tr', { hasText: 'Lumière Retail' }).filter({ hasText: /./ });
    assert.ok((await queued.count()) >= 1);
    await checkPage(kam, '/evaluations');
    await kam.goto(new URL('/accounts', baseUrl).href);
    await kam.getByRole('link', { name: 'Lumière Retail', exact: true }).click();
    const kamRow = kam.locator(`tr[data-kpi-code="${code}"]`);
    assert.equal(await kamRow.getAttribute('data-validation'), 'contested');
    await checkPage(kam, 'Lumière scorecard with a contested value');
    await kamRow.locator('th a').first().click();
    await kam.locator('#accept-button').waitFor();
    await checkPage(kam, 'KPI page with a contest to answer');
    assert.match(await kam.locator('#accept-button').innerText(), /42,5/);
    await kam.locator('#accept-body').fill('Bien vu, corrigé');
    await kam.locator('#accept-button').click();
    await kam.locator('#evaluation[data-validation="resolved"]').waitFor();
    assert.match(await kam.locator('#changes tbody tr').first().innerText(), /Client/);
    await checkPage(kam, 'KPI page, contest resolved');

    // The client sees the new value and the answer.
    await client.reload();
    await client.locator('#evaluation[data-validation="resolved"]').waitFor();
    assert.match(await client.locator('#evaluation-title').innerText(), /42,5/);
    assert.match(await client.locator('#thread').innerText(), /Bien vu, corrigé/);

    assert.deepEqual(clientProblems, []);
    assert.deepEqual(kamProblems, []);
    await clientContext.close();
    await kamContext.close();
  });
});

// Every page kept by checkPage above, through the Nu HTML checker in one JVM.
test('the Nu HTML checker finds no error on the pages visited', { timeout: 120_000 }, async () => {
  const checked = await assertPagesValid();
  assert.ok(checked > 0, 'no page was checked');
});
