// What every browser test file shares: `ent demo` on a free port with a fresh database, Debian's
// Chromium (headless, driven by playwright-core: no browser download), the API to set a scene,
// axe-core on a page, the 375 px check, screenshots.
//
// A test file calls `await start()` in `before` and `await stop()` in `after`; `env.base` is the
// server's address and `env.browser` the browser.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ENT_BIN = process.env.ENT_BIN ?? '/var/tmp/ent-cargo-target/debug/ent';
const CHROMIUM = process.env.ENT_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = process.env.ENT_SCREENSHOTS ?? '/var/tmp/ent-cargo-target/portal-screenshots';
export const PASSWORD = 'ent-demo-2026';
export const UAI = '0750680G';
export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 900 };

/** The running server and browser of this test file. */
export const env = { base: undefined, browser: undefined, server: undefined, dataDir: undefined };

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitReady(url) {
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(`${url}/ready`);
      if (r.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`ent demo did not become ready at ${url}`);
}

/** `ent demo` on a free port with a fresh database, and the browser. */
export async function start() {
  mkdirSync(SHOTS, { recursive: true });
  env.dataDir = mkdtempSync(join(tmpdir(), 'ent-portal-'));
  const port = await freePort();
  env.base = `http://127.0.0.1:${port}`;
  env.server = spawn(ENT_BIN, ['demo', '--listen', `127.0.0.1:${port}`], {
    env: {
      ...process.env,
      ENT_DATABASE: `sqlite://${join(env.dataDir, 'ent.db')}`,
      ENT_MASTER_KEY_FILE: join(env.dataDir, 'master.key'),
      RUST_LOG: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitReady(env.base);
  env.browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}

export async function stop() {
  await env.browser?.close();
  if (env.server) {
    const exited = new Promise((r) => env.server.on('exit', r));
    env.server.kill('SIGTERM');
    await exited;
  }
  if (env.dataDir) rmSync(env.dataDir, { recursive: true, force: true });
}

// --- The API, to set the scene and to read the log (the portal itself is driven in the browser).

export async function apiLogin(login) {
  const r = await fetch(`${env.base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: PASSWORD }),
  });
  assert.equal(r.status, 200, `API login of ${login}`);
  return (await r.json()).token;
}

/** GET through the API; `minPosition` waits for the read models to reach a command's position. */
export async function api(token, path, minPosition) {
  const headers = { authorization: `Bearer ${token}` };
  if (minPosition !== undefined) headers['ent-min-position'] = String(minPosition);
  const r = await fetch(`${env.base}${path}`, { headers });
  assert.equal(r.status, 200, `GET ${path}: ${await r.clone().text()}`);
  return r.json();
}

export async function command(token, type, payload) {
  const r = await fetch(`${env.base}/api/v1/commands`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ command_id: crypto.randomUUID(), type, payload }),
  });
  const body = await r.json();
  assert.equal(r.status, 200, `${type}: ${JSON.stringify(body)}`);
  return body;
}

/** The last position of the event log. */
export async function head() {
  return (await (await fetch(`${env.base}/ready`)).json()).head;
}

export const isoDay = (d) => d.toISOString().slice(0, 10);

// --- The browser.

export async function newPage(viewport = DESKTOP) {
  const context = await env.browser.newContext({ viewport, locale: 'fr-FR' });
  return context.newPage();
}

export async function signIn(page, login) {
  await page.goto(`${env.base}/connexion`);
  await page.getByLabel('Identifiant').fill(login);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${env.base}/`);
}

/** The session cookie of a page, for requests sent outside the browser (forged forms). */
export async function cookieHeader(page) {
  const cookies = await page.context().cookies();
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** axe-core on the page: no violation of impact serious or critical. */
export async function assertAccessible(page, what) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${what}: accessibility violations ${JSON.stringify(bad)}`);
}

/** At a 375 px viewport nothing scrolls sideways. */
export async function assertFitsPhone(page, what) {
  const size = page.viewportSize();
  await page.setViewportSize(PHONE);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `${what}: ${width} px wide at a 375 px viewport`);
  await page.setViewportSize(size);
}

/** Accessible (axe-core) and usable on a phone (375 px). */
export async function checkPage(page, what) {
  await assertAccessible(page, what);
  await assertFitsPhone(page, what);
}

/** Full-page screenshots at desktop and phone widths, to `$ENT_SCREENSHOTS/<name>-{desktop,phone}.png`. */
export async function screenshots(page, name) {
  const size = page.viewportSize();
  for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(SHOTS, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(size);
}
