// Clean-page checks for every page the browser tests visit:
//
//   await checkPage(page);          // axe-core now (0 violations of any impact),
//                                   // the page's HTML kept for the Nu checker
//   ...
//   await assertPagesValid();       // one Nu HTML checker run (one JVM) over every
//                                   // page kept so far: 0 errors
//
// axe-core is evaluated through the DevTools protocol (page.evaluate), which the
// app's CSP (no inline scripts) does not apply to, so the page keeps its real CSP.
// The Nu checker is the `vnu-jar` package run with the machine's Java (`java` on
// PATH, or $JAVA); one JVM start costs a few seconds, hence the batching.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const VNU_JAR = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');

/** Pages waiting for the Nu checker: { name, html }. */
const pending = [];

/** Short description of one axe violation, with where it happened. */
function describeViolation(v) {
  const nodes = v.nodes
    .slice(0, 5)
    .map((n) => `      ${n.target.join(' ')}: ${(n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 300)}`)
    .join('\n');
  return `  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} node(s))\n${nodes}`;
}

/**
 * True when the page's timers run. In a `javaScriptEnabled: false` context the
 * DevTools protocol still evaluates code, but timers never fire, and axe.run
 * (which uses them) would wait for ever.
 */
async function scriptsRun(page) {
  let timer;
  const ran = await Promise.race([
    page.evaluate(() => new Promise((resolve) => { setTimeout(() => resolve(true), 0); })).catch(() => false),
    new Promise((resolve) => { timer = setTimeout(() => resolve(false), 5_000); }),
  ]);
  clearTimeout(timer);
  return ran;
}

/**
 * Runs axe-core on the page as it is now; returns its violations. In a context
 * without JavaScript (where axe cannot run), the same URL is opened with the
 * same cookies in a JavaScript-enabled context and checked there.
 */
export async function axeViolations(page) {
  if (!(await scriptsRun(page))) {
    const browser = page.context().browser();
    const viewport = page.viewportSize();
    const twin = await browser.newContext({ storageState: await page.context().storageState(), viewport: viewport ?? undefined });
    try {
      const other = await twin.newPage();
      await other.goto(page.url(), { waitUntil: 'load' });
      return await axeViolations(other);
    } finally {
      await twin.close();
    }
  }
  const loaded = await page.evaluate(() => typeof window.axe === 'object').catch(() => false);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

/**
 * Checks the page as the user sees it now: asserts 0 axe violations of any
 * impact, and keeps its HTML for `assertPagesValid`. `name` defaults to the URL.
 */
export async function checkPage(page, name) {
  await page.waitForLoadState('load');
  const label = name ?? new URL(page.url()).pathname + new URL(page.url()).search;
  const html = await page.content();
  pending.push({ name: label, html });
  const violations = await axeViolations(page);
  assert.equal(
    violations.length,
    0,
    `axe found ${violations.length} violation(s) on ${label}:\n${violations.map(describeViolation).join('\n')}`,
  );
}

/** Keeps an HTML document (e.g. a raw response body) for the Nu checker. */
export function keepHtml(name, html) {
  pending.push({ name, html });
}

/**
 * Validates HTML documents with the Nu HTML checker in one JVM.
 * @param {{ name: string, html: string }[]} docs
 * @returns {Promise<{ name: string, messages: object[] }[]>} errors per document
 */
export async function validateHtml(docs) {
  if (docs.length === 0) return [];
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'boussole-vnu-'));
  try {
    const files = [];
    for (const [i, doc] of docs.entries()) {
      const file = path.join(dir, `page-${String(i).padStart(3, '0')}.html`);
      await fsp.writeFile(file, doc.html);
      files.push(file);
    }
    const java = process.env.JAVA || 'java';
    const run = spawnSync(java, ['-Xss4m', '-jar', VNU_JAR, '--format', 'json', '--stdout', ...files], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.error) throw new Error(`could not run the Nu HTML checker (${java} -jar ${VNU_JAR}): ${run.error.message}`);
    let report;
    try {
      report = JSON.parse(run.stdout);
    } catch {
      throw new Error(`the Nu HTML checker gave no JSON (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    }
    return files.map((file, i) => ({
      name: docs[i].name,
      messages: report.messages.filter(
        (m) => m.url && m.url.endsWith(path.basename(file)) && (m.type === 'error' || m.subType === 'fatal'),
      ),
    }));
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** Runs the Nu checker on every page kept since the last call; asserts 0 errors. */
export async function assertPagesValid() {
  const docs = pending.splice(0, pending.length);
  const results = await validateHtml(docs);
  const bad = results.filter((r) => r.messages.length > 0);
  const text = bad
    .map(
      (r) =>
        `${r.name}: ${r.messages.length} error(s)\n` +
        r.messages
          .slice(0, 15)
          .map((m) => `    line ${m.lastLine}: ${m.message}${m.extract ? ` — ${m.extract.replace(/\s+/g, ' ').trim().slice(0, 120)}` : ''}`)
          .join('\n'),
    )
    .join('\n');
  assert.equal(bad.length, 0, `the Nu HTML checker found errors on ${bad.length} of ${docs.length} page(s):\n${text}`);
  console.log(`# Nu HTML checker: ${docs.length} page(s), 0 errors (axe-core: 0 violations on each)`);
  return docs.length;
}
