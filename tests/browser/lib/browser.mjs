// Browser helpers for the Boussole browser tests: launches Debian's chromium
// through playwright-core (no `playwright install`: browser downloads are not
// possible here), opens isolated contexts, logs demo users in and collects
// console errors.

import { chromium } from 'playwright-core';

/** Path of the chromium binary (Debian package `chromium`); CHROMIUM_BIN overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

export const DEMO_PASSWORD = 'boussole-demo';

/** Demo users and the path each one lands on after logging in. */
export const DEMO_USERS = [
  { role: 'admin', email: 'admin@boussole.example', home: '/admin/users' },
  { role: 'director', email: 'direction@boussole.example', home: '/portfolio' },
  { role: 'kam', email: 'kam.alice@boussole.example', home: '/accounts' },
  { role: 'contributor', email: 'logistique@boussole.example', home: '/inbox' },
  { role: 'client', email: 'client@lumiere-retail.example', home: '/portal' },
];

export const userByRole = (role) => {
  const user = DEMO_USERS.find((u) => u.role === role);
  if (!user) throw new Error(`no demo user with role ${role}`);
  return user;
};

/** Launches headless chromium. A fresh, empty user-data dir is used per launch. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A new isolated context (own cookies) with `baseURL` set, French by default. */
export function newContext(browser, baseUrl, { locale = 'fr-FR', ...rest } = {}) {
  return browser.newContext({ baseURL: baseUrl, locale, ...rest });
}

/** Path of the page's current URL. */
export const pathOf = (page) => new URL(page.url()).pathname;

/**
 * Logs in through the real form on /login and waits until the browser has left
 * /login (i.e. followed the post-login redirect) and the new page has loaded.
 * Throws with the page's error message if the login is refused.
 * @returns {Promise<URL>} the URL the user landed on
 */
export async function login(page, baseUrl, email, password) {
  await page.goto(new URL('/login', baseUrl).href);
  const form = page.locator('form#login-form');
  await form.locator('input[name="email"]').fill(email);
  await form.locator('input[name="password"]').fill(password);
  const leftLogin = page.waitForURL((url) => url.pathname !== '/login', {
    waitUntil: 'load',
    timeout: 20_000,
  });
  await form.locator('button[type="submit"]').click();
  try {
    await leftLogin;
  } catch (err) {
    const messages = await page
      .locator('.flash--error, .error-summary')
      .allInnerTexts()
      .catch(() => []);
    throw new Error(
      `login as ${email} did not leave /login (now at ${page.url()})` +
        (messages.length ? `: ${messages.join(' | ').trim()}` : `: ${err.message}`),
    );
  }
  return new URL(page.url());
}

/**
 * Records console errors, uncaught page errors and CSP violations of a page.
 * Call before the first navigation. Returns the (live) list of problems.
 */
export async function watchForErrors(page) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      problems.push(`console.error: ${msg.text()}${loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  // Chromium also logs CSP violations to the console; this catches them even if not.
  await page.exposeBinding('__reportCspViolation', (_source, text) => {
    problems.push(`CSP violation: ${text}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} in ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
    });
  });
  return problems;
}
