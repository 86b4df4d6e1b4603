// Foundation browser tests: login per role, wrong password, language switch,
// logout, skip link, no console errors / CSP violations.
//
// Run from tests/browser after `cargo build` at the repo root:
//   npm ci && node --test
// One app server (own embedded PostgreSQL, demo data) for the whole file.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertPagesValid, checkPage } from './lib/check.mjs';
import { startServer } from './lib/server.mjs';
import {
  DEMO_PASSWORD,
  DEMO_USERS,
  launchBrowser,
  login,
  newContext,
  pathOf,
  userByRole,
  watchForErrors,
} from './lib/browser.mjs';

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
}, { timeout: 60_000 });

/** Runs `fn(page, context)` in a fresh browser context, always closing it. */
async function withPage(options, fn) {
  const context = await newContext(browser, baseUrl, options);
  try {
    const page = await context.newPage();
    return await fn(page, context);
  } finally {
    await context.close();
  }
}

async function htmlLang(page) {
  return page.locator('html').getAttribute('lang');
}

async function mainHeading(page) {
  const h1 = page.locator('main#main h1');
  await h1.first().waitFor({ state: 'visible' });
  assert.equal(await h1.count(), 1, 'main#main should contain exactly one h1');
  return (await h1.innerText()).trim();
}

describe('login lands each role on its home page', () => {
  for (const user of DEMO_USERS) {
    test(`${user.role} (${user.email}) lands on ${user.home}`, { timeout: TEST_TIMEOUT }, async () => {
      await withPage({ locale: 'fr-FR' }, async (page) => {
        await login(page, baseUrl, user.email, DEMO_PASSWORD);
        assert.equal(pathOf(page), user.home);

        const heading = await mainHeading(page);
        assert.notEqual(heading, '', 'h1 should not be empty');
        assert.equal(await htmlLang(page), 'fr');

        // Logged-in chrome: header + nav, language switch (FR current), logout.
        await page.locator('header.site-header nav.main-nav').waitFor({ state: 'visible' });
        assert.equal(
          await page.locator('form.lang-switch button[name="lang"][value="fr"]').getAttribute('aria-pressed'),
          'true',
        );
        assert.notEqual(
          await page.locator('form.lang-switch button[name="lang"][value="en"]').getAttribute('aria-pressed'),
          'true',
        );
        assert.equal(await page.locator('form.logout-form button[type="submit"]').count(), 1);
        assert.equal(await page.locator('a.skip-link[href="#main"]').count(), 1);
        await checkPage(page);
      });
    });
  }
});

test('wrong password is refused with a message and keeps the email', { timeout: TEST_TIMEOUT }, async () => {
  await withPage({ locale: 'fr-FR' }, async (page) => {
    const email = userByRole('kam').email;
    const loginPage = await page.goto('/login');
    assert.equal(loginPage.status(), 200);
    const errorMessage = page.locator('.flash--error, .error-summary');
    assert.equal(await errorMessage.count(), 0, 'a fresh login page shows no error');

    const form = page.locator('form#login-form');
    await form.locator('input[name="email"]').fill(email);
    await form.locator('input[name="password"]').fill('not-the-password');
    const posted = page.waitForResponse((r) => r.request().method() === 'POST');
    await form.locator('button[type="submit"]').click();
    const response = await posted;
    assert.equal(response.status(), 401);

    // The error only exists in the re-rendered page, so once it is visible the
    // fields below belong to the server's response, not to what we typed.
    await errorMessage.first().waitFor({ state: 'visible' });
    assert.notEqual((await errorMessage.first().innerText()).trim(), '');
    assert.equal(pathOf(page), '/login');
    assert.equal(await page.locator('form#login-form input[name="email"]').inputValue(), email);
    assert.equal(await page.locator('form#login-form input[name="password"]').inputValue(), '');
    await checkPage(page, '/login (refused)');

    // And we are not logged in.
    await page.goto('/accounts');
    await page.waitForURL((url) => url.pathname.startsWith('/login'));
  });
});

test('language switch applies to the page and is stored on the user', { timeout: TEST_TIMEOUT }, async () => {
  const kam = userByRole('kam');
  await withPage({ locale: 'fr-FR' }, async (page) => {
    await login(page, baseUrl, kam.email, DEMO_PASSWORD);
    const path = pathOf(page);
    assert.equal(path, kam.home);
    assert.equal(await htmlLang(page), 'fr');
    const frenchHeading = await mainHeading(page);

    const enButton = page.locator('form.lang-switch button[name="lang"][value="en"]');
    const frButton = page.locator('form.lang-switch button[name="lang"][value="fr"]');
    const switched = page.waitForResponse((r) => r.request().method() === 'POST');
    await enButton.click();
    await switched;
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    await page.waitForLoadState('load');

    assert.equal(pathOf(page), path, 'switching language returns to the same page');
    assert.equal(await htmlLang(page), 'en');
    const englishHeading = await mainHeading(page);
    assert.notEqual(englishHeading, '');
    assert.notEqual(englishHeading, frenchHeading, 'h1 should be translated');
    assert.equal(await enButton.getAttribute('aria-pressed'), 'true');
    assert.notEqual(await frButton.getAttribute('aria-pressed'), 'true');

    await page.reload();
    assert.equal(pathOf(page), path);
    assert.equal(await htmlLang(page), 'en', 'still English after reload');
    assert.equal(await mainHeading(page), englishHeading);
    await checkPage(page, `${path} (en)`);
  });

  // Stored on the user: a new session with a French browser still gets English.
  await withPage({ locale: 'fr-FR' }, async (page) => {
    await login(page, baseUrl, kam.email, DEMO_PASSWORD);
    assert.equal(await htmlLang(page), 'en', 'language choice is stored on the user');

    // Put the user back to French.
    const switched = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.locator('form.lang-switch button[name="lang"][value="fr"]').click();
    await switched;
    await page.locator('html[lang="fr"]').waitFor({ state: 'attached' });
    assert.equal(pathOf(page), kam.home);
    assert.equal(
      await page.locator('form.lang-switch button[name="lang"][value="fr"]').getAttribute('aria-pressed'),
      'true',
    );
  });
});

test('logout ends the session', { timeout: TEST_TIMEOUT }, async () => {
  const director = userByRole('director');
  await withPage({ locale: 'fr-FR' }, async (page) => {
    await login(page, baseUrl, director.email, DEMO_PASSWORD);
    assert.equal(pathOf(page), director.home);

    await page.locator('form.logout-form button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.locator('form#login-form').waitFor({ state: 'visible' });

    await page.goto(director.home);
    await page.waitForURL((url) => url.pathname.startsWith('/login'));
    assert.ok(pathOf(page).startsWith('/login'), `expected /login, got ${page.url()}`);
    await page.locator('form#login-form').waitFor({ state: 'visible' });
  });
});

test('first Tab on /login focuses the skip link', { timeout: TEST_TIMEOUT }, async () => {
  await withPage({ locale: 'fr-FR' }, async (page) => {
    await page.goto('/login');
    await page.locator('form#login-form').waitFor({ state: 'visible' });
    // Nothing focused yet (no autofocus), so the first Tab starts from the top.
    assert.equal(
      await page.evaluate(() => document.activeElement === document.body),
      true,
      'nothing should be focused on load (an autofocus would skip the skip link)',
    );

    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => ({
      skip: document.activeElement.classList.contains('skip-link'),
      href: document.activeElement.getAttribute('href'),
      text: document.activeElement.textContent.trim(),
    }));
    assert.equal(focused.skip, true, `focused element: ${JSON.stringify(focused)}`);
    assert.equal(focused.href, '#main');
    assert.notEqual(focused.text, '', 'skip link needs a text');

    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.hash === '#main');
    assert.equal(await page.locator('main#main').count(), 1);
  });
});

describe('no console errors or CSP violations', () => {
  test('login page', { timeout: TEST_TIMEOUT }, async () => {
    await withPage({ locale: 'fr-FR' }, async (page) => {
      const problems = await watchForErrors(page);
      const response = await page.goto('/login', { waitUntil: 'networkidle' });
      assert.equal(response.status(), 200);
      await page.locator('form#login-form').waitFor({ state: 'visible' });
      await checkPage(page);
      assert.deepEqual(problems, []);
    });
  });

  test('KAM home page', { timeout: TEST_TIMEOUT }, async () => {
    const kam = userByRole('kam');
    await withPage({ locale: 'fr-FR' }, async (page) => {
      const problems = await watchForErrors(page);
      await login(page, baseUrl, kam.email, DEMO_PASSWORD);
      assert.equal(pathOf(page), kam.home);
      await page.waitForLoadState('networkidle');
      const response = await page.reload({ waitUntil: 'networkidle' });
      assert.equal(response.status(), 200);
      await mainHeading(page);
      assert.deepEqual(problems, []);
    });
  });
});

// Every page kept by checkPage above, through the Nu HTML checker in one JVM.
test('the Nu HTML checker finds no error on the pages visited', { timeout: 120_000 }, async () => {
  const checked = await assertPagesValid();
  assert.ok(checked > 0, 'no page was checked');
});
