// A tour of the app's pages as each demo role, every page checked by axe-core
// (0 violations of any impact) and the Nu HTML checker (0 errors): the pages the
// journeys in the other files do not reach.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertPagesValid, checkPage } from './lib/check.mjs';
import { startServer } from './lib/server.mjs';
import { DEMO_PASSWORD, launchBrowser, login, newContext } from './lib/browser.mjs';

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

/** Opens each path as `email` and checks it; returns the failures (all of them). */
async function tour(email, paths, locale = 'fr-FR') {
  const context = await newContext(browser, baseUrl, { locale });
  const page = await context.newPage();
  const failures = [];
  try {
    await login(page, baseUrl, email, DEMO_PASSWORD);
    for (const p of paths) {
      const path = typeof p === 'function' ? await p(page) : p;
      if (!path) continue;
      const response = await page.goto(new URL(path, baseUrl).href);
      if (response.status() !== 200) {
        failures.push(`${path}: HTTP ${response.status()}`);
        continue;
      }
      try {
        await checkPage(page, `${path} (${email})`);
      } catch (err) {
        failures.push(err.message);
      }
    }
  } finally {
    await context.close();
  }
  return failures;
}

/** The path of the first link matching `selector` on `from`. */
const firstLink = (from, selector) => async (page) => {
  await page.goto(new URL(from, baseUrl).href);
  const href = await page.locator(selector).first().getAttribute('href');
  return href;
};

test('the director’s pages', { timeout: 300_000 }, async () => {
  const failures = await tour('direction@boussole.example', [
    '/portfolio',
    '/selection',
    '/capabilities',
    '/drivers',
    firstLink('/drivers', 'main a[href^="/drivers/"]'),
    '/voc',
    '/director/settings',
    '/director/time-zone',
    '/help/scoring',
  ]);
  assert.deepEqual(failures, []);
});

test('an account’s pages, as its KAM', { timeout: 300_000 }, async () => {
  let account;
  const acc = async (page, rest) => {
    if (!account) {
      await page.goto(new URL('/accounts', baseUrl).href);
      const href = await page.getByRole('link', { name: 'Lumière Retail', exact: true }).first().getAttribute('href');
      account = href;
    }
    return `${account}${rest}`;
  };
  const failures = await tour('kam.alice@boussole.example', [
    '/accounts',
    (page) => acc(page, ''),
    async (page) => {
      await page.goto(new URL(await acc(page, ''), baseUrl).href);
      return page.locator('tr[data-kpi-code] th a').first().getAttribute('href');
    },
    (page) => acc(page, '/voc'),
    (page) => acc(page, '/voc?page=2'),
    (page) => acc(page, '/contacts'),
    (page) => acc(page, '/surveys'),
    (page) => acc(page, '/value'),
    (page) => acc(page, '/opportunities'),
    (page) => acc(page, '/stage'),
    (page) => acc(page, '/clients'),
    (page) => acc(page, '/activity'),
    (page) => acc(page, '/weights'),
    (page) => acc(page, '/kpis/new'),
    (page) => acc(page, '/as-client'),
    (page) => acc(page, '/plan'),
    (page) => acc(page, '/plan/whitespace'),
    (page) => acc(page, '/plan/relationships'),
    (page) => acc(page, '/reviews'),
    async (page) => {
      await page.goto(new URL(await acc(page, '/reviews'), baseUrl).href);
      return page.locator('#review-table tbody th a').first().getAttribute('href');
    },
    async (page) => {
      await page.goto(new URL(await acc(page, '/reviews'), baseUrl).href);
      const review = await page.locator('#review-table tbody th a').first().getAttribute('href');
      return `${review}/pack?audience=client`;
    },
    (page) => acc(page, '/locks'),
    (page) => acc(page, '/requests'),
    '/requests',
    '/settings/tokens',
    '/settings/webhooks',
    '/api/docs',
    '/evaluations',
    '/notifications',
    '/me/digest',
    '/import',
    '/inbox',
  ]);
  assert.deepEqual(failures, []);
});

test('the admin’s pages, in English', { timeout: 300_000 }, async () => {
  const failures = await tour('admin@boussole.example', [
    '/admin/users',
    '/admin/users/new',
    '/admin/audit',
    '/admin/jobs',
    '/admin/kpis',
    '/admin/kpis/new',
    '/admin/voc',
  ], 'en-GB');
  assert.deepEqual(failures, []);
});

test('the client’s portal', { timeout: 300_000 }, async () => {
  const failures = await tour('client@lumiere-retail.example', [
    '/portal',
    firstLink('/portal', 'tr[data-kpi-code] th a'),
    '/portal/voc',
    '/portal/activity',
    '/portal/plan',
    '/portal/reviews',
    '/notifications',
  ]);
  assert.deepEqual(failures, []);
});

test('the Nu HTML checker finds no error on the pages visited', { timeout: 180_000 }, async () => {
  const checked = await assertPagesValid();
  assert.ok(checked > 0, 'no page was checked');
});
