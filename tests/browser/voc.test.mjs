// Voice of the customer in two browsers: the KAM sends the survey, a contact
// answers from the personal link on a phone-sized screen (no login), and the KAM
// sees the answer with its sentiment on the account's VoC page.

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

describe('voice of the customer', () => {
  test('a contact answers the survey from its link and the KAM sees it', { timeout: 120_000 }, async () => {
    const kamContext = await newContext(browser, baseUrl);
    const kam = await kamContext.newPage();
    const kamProblems = await watchForErrors(kam);
    await login(kam, baseUrl, 'kam.alice@boussole.example', DEMO_PASSWORD);
    await kam.goto(new URL('/accounts', baseUrl).href);
    await kam.getByRole('link', { name: 'Lumière Retail', exact: true }).click();
    const accountUrl = new URL(kam.url());
    await kam.goto(new URL(`${accountUrl.pathname}/surveys`, baseUrl).href);
    await checkPage(kam);
    await kam.locator('#to input[type=checkbox]').first().check();
    await kam.locator('#send-survey').click();
    const link = (await kam.locator('#survey-links code.survey-link').first().innerText()).trim();
    assert.match(link, /\/survey\/[0-9a-f]{64}$/);
    await checkPage(kam, 'surveys page after sending');

    // The contact: no account, a phone-sized window, no JavaScript needed.
    const contactContext = await browser.newContext({ viewport: { width: 375, height: 740 }, javaScriptEnabled: false });
    const contact = await contactContext.newPage();
    await contact.goto(link);
    await checkPage(contact, '/survey/{token}');
    await contact.locator('input[name=q_nps][value="3"]').check();
    await contact.locator('input[name=q_satisfaction][value="2"]').check();
    await contact.locator('#q-reason').fill('Très déçus : les livraisons arrivent encore en retard et personne ne nous prévient.');
    await contact.locator('#survey-submit').click();
    await contact.locator('#survey-thanks').waitFor();
    await checkPage(contact, 'survey thanks');
    await contactContext.close();

    // The KAM finds it, negative, with its delivery theme.
    await kam.goto(new URL(`${accountUrl.pathname}/voc?q=prévient`, baseUrl).href);
    const item = kam.locator('#verbatims li', { hasText: 'personne ne nous prévient' });
    await item.waitFor();
    assert.equal(await item.getAttribute('data-label'), 'negative');
    assert.equal(await item.locator('[data-theme="delivery"]').count(), 1);
    await checkPage(kam, 'account VoC page, searched');
    await kam.goto(new URL(`${accountUrl.pathname}/voc`, baseUrl).href);
    await checkPage(kam);
    await kam.goto(new URL('/voc', baseUrl).href);
    await checkPage(kam);
    assert.deepEqual(kamProblems, []);
    await kamContext.close();
  });
});

// Every page kept by checkPage above, through the Nu HTML checker in one JVM.
test('the Nu HTML checker finds no error on the pages visited', { timeout: 120_000 }, async () => {
  const checked = await assertPagesValid();
  assert.ok(checked > 0, 'no page was checked');
});
