// Starts a private Boussole server for one browser-test file and stops it.
//
//   const server = await startServer({ repoRoot: new URL('../..', import.meta.url) });
//   ... server.baseUrl ...
//   await server.stop();
//
// Each server gets a free port, a fresh temporary data dir (its own embedded
// PostgreSQL cluster: DATABASE_URL is removed from the child's environment)
// and demo data (`--demo`). The child's stdout/stderr go to `server.log` in the
// temp dir; its tail is printed when startup fails or the server misbehaves.
// The binary is `<repo>/target/debug/boussole` (or `$CARGO_TARGET_DIR/debug/boussole`),
// overridable with BOUSSOLE_BIN. Build it first with `cargo build`.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const READY_TIMEOUT_MS = 120_000;
const POLL_INTERVAL_MS = 250;
const STOP_TIMEOUT_MS = 20_000;

/** Repo root, relative to this file (tests/browser/lib/server.mjs). */
export const DEFAULT_REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function toPath(p) {
  return p instanceof URL ? fileURLToPath(p) : String(p);
}

function resolveBinary(repoRoot) {
  if (process.env.BOUSSOLE_BIN) return path.resolve(repoRoot, process.env.BOUSSOLE_BIN);
  const targetDir = process.env.CARGO_TARGET_DIR
    ? path.resolve(repoRoot, process.env.CARGO_TARGET_DIR)
    : path.join(repoRoot, 'target');
  return path.join(targetDir, 'debug', 'boussole');
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/** Last `lines` lines of a text file ('' if unreadable). */
export function tail(file, lines = 60) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n');
  } catch {
    return '';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

// Last resort after a forced kill: an embedded postmaster left behind under the
// data dir would keep running (pg_ctl detaches it). Stop it by its pid file.
async function reapPostmasters(dir) {
  const pidFiles = [];
  const walk = async (d, depth) => {
    if (depth > 4) return;
    let entries;
    try {
      entries = await fsp.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p, depth + 1);
      else if (e.name === 'postmaster.pid') pidFiles.push(p);
    }
  };
  await walk(dir, 0);
  for (const f of pidFiles) {
    const pid = Number.parseInt((await fsp.readFile(f, 'utf8').catch(() => '')).split('\n')[0], 10);
    if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) continue;
    const cmd = await fsp.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmd.includes('postgres')) continue; // stale pid file, pid reused by something else
    console.error(`# killing leftover postmaster ${pid} (${f})`);
    try { process.kill(pid, 'SIGQUIT'); } catch { /* gone */ }
    const deadline = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
}

/**
 * Starts the app and resolves once GET /readyz answers 200.
 * @param {{ repoRoot?: string | URL, demo?: boolean, extraArgs?: string[] }} [options]
 * @returns {Promise<{ baseUrl: string, port: number, dataDir: string, logFile: string,
 *                     logTail: (lines?: number) => string, stop: () => Promise<void> }>}
 */
export async function startServer(options = {}) {
  const repoRoot = toPath(options.repoRoot ?? DEFAULT_REPO_ROOT);
  const bin = resolveBinary(repoRoot);
  if (!fs.existsSync(bin)) {
    throw new Error(`Boussole binary not found at ${bin}: run \`cargo build\` at the repo root first (or set BOUSSOLE_BIN).`);
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'boussole-browser-'));
  const dataDir = path.join(tmp, 'data');
  await fsp.mkdir(dataDir);
  const logFile = path.join(tmp, 'server.log');
  const logFd = fs.openSync(logFile, 'a');

  const env = { ...process.env };
  delete env.DATABASE_URL; // always the server's own embedded cluster
  env.RUST_BACKTRACE ??= '1';

  const args = ['serve'];
  if (options.demo ?? true) args.push('--demo');
  args.push('--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, ...(options.extraArgs ?? []));

  const child = spawn(bin, args, { cwd: repoRoot, env, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd); // the child holds its own copy

  let exitInfo = null;
  let stopping = false;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo ??= { code, signal };
      resolve(exitInfo);
    });
    child.once('error', (error) => {
      // spawn failure (e.g. EACCES): there will be no 'exit' event
      if (child.pid === undefined) {
        exitInfo ??= { code: null, signal: null, error };
        resolve(exitInfo);
      }
    });
  });

  // If the test process dies without running `after`, don't leave the server behind.
  const onExit = () => {
    if (!exitInfo) try { child.kill('SIGKILL'); } catch { /* gone */ }
  };
  process.once('exit', onExit);

  const logTail = (lines = 60) => tail(logFile, lines);
  const cleanup = async () => {
    await reapPostmasters(tmp);
    await fsp.rm(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };

  // Wait for readiness: poll /readyz, fail fast if the process exits.
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (exitInfo) {
        throw new Error(exitInfo.error
          ? `could not start ${bin}: ${exitInfo.error.message}`
          : `server exited before becoming ready (code ${exitInfo.code}, signal ${exitInfo.signal})`);
      }
      try {
        const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer().catch(() => {});
        if (res.status === 200) break;
      } catch {
        // connection refused / timeout while starting: keep polling
      }
      if (Date.now() > deadline) {
        throw new Error(`server not ready after ${READY_TIMEOUT_MS / 1000}s (GET ${baseUrl}/readyz)`);
      }
      await sleep(POLL_INTERVAL_MS);
    }
  } catch (err) {
    console.error(`# boussole failed to start: ${err.message}\n# --- tail of ${logFile} ---\n${logTail()}\n# --- end of log ---`);
    if (!exitInfo) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(t);
    }
    process.removeListener('exit', onExit);
    await cleanup();
    throw err;
  }

  async function stop() {
    if (stopping) return;
    stopping = true;
    const problems = [];
    if (exitInfo) {
      problems.push(`server had already exited during the tests (code ${exitInfo.code}, signal ${exitInfo.signal})`);
    } else {
      child.kill('SIGTERM');
      let timer;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise((r) => { timer = setTimeout(() => r(true), STOP_TIMEOUT_MS); }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        child.kill('SIGKILL');
        await exited;
        problems.push(`server did not exit within ${STOP_TIMEOUT_MS / 1000}s of SIGTERM (killed)`);
      } else if (exitInfo.code !== 0) {
        console.error(`# note: server exited with code ${exitInfo.code}, signal ${exitInfo.signal} after SIGTERM\n${logTail(20)}`);
      }
    }
    process.removeListener('exit', onExit);
    if (problems.length) {
      console.error(`# ${problems.join('; ')}\n# --- tail of ${logFile} ---\n${logTail()}\n# --- end of log ---`);
    }
    await cleanup();
    if (problems.length) throw new Error(problems.join('; '));
  }

  return { baseUrl, port, dataDir, logFile, logTail, stop };
}
