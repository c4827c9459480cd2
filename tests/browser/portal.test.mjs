// The portal in a real browser: Debian's Chromium, headless, driven by playwright-core (no
// browser download), against `ent demo` on a free port with a fresh database. axe-core checks
// every page for accessibility; every page is checked at a 375 px wide viewport. Screenshots of
// each profile's home page, at desktop and phone widths, go to $ENT_SCREENSHOTS (default under
// the cargo target directory), for a reviewer to look at.
//
// Run by ./scripts/test (ENT_BIN names the `ent` binary it built).

import { test, before, after } from 'node:test';
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
const SHOTS = process.env.ENT_SCREENSHOTS ?? '/var/tmp/ent-cargo-target/portal-screenshots';
const PASSWORD = 'ent-demo-2026';
const UAI = '0750680G';
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };

let server;
let dataDir;
let base;
let browser;

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

// --- The API, to set the scene and to read the log (the portal itself is driven in the browser).

async function apiLogin(login) {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: PASSWORD }),
  });
  assert.equal(r.status, 200, `API login of ${login}`);
  return (await r.json()).token;
}

async function api(token, path, minPosition) {
  const headers = { authorization: `Bearer ${token}` };
  if (minPosition !== undefined) headers['ent-min-position'] = String(minPosition);
  const r = await fetch(`${base}${path}`, { headers });
  assert.equal(r.status, 200, `GET ${path}: ${await r.clone().text()}`);
  return r.json();
}

async function command(token, type, payload) {
  const r = await fetch(`${base}/api/v1/commands`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ command_id: crypto.randomUUID(), type, payload }),
  });
  const body = await r.json();
  assert.equal(r.status, 200, `${type}: ${JSON.stringify(body)}`);
  return body;
}

async function head() {
  return (await (await fetch(`${base}/ready`)).json()).head;
}

const isoDay = (d) => d.toISOString().slice(0, 10);

// --- The browser.

async function newPage(viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'fr-FR' });
  const page = await context.newPage();
  return page;
}

async function signIn(page, login) {
  await page.goto(`${base}/connexion`);
  await page.getByLabel('Identifiant').fill(login);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${base}/`);
}

/** axe-core on the page: no violation of impact serious or critical. */
async function assertAccessible(page, what) {
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
async function assertFitsPhone(page, what) {
  const size = page.viewportSize();
  await page.setViewportSize(PHONE);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `${what}: ${width} px wide at a 375 px viewport`);
  await page.setViewportSize(size);
}

async function checkPage(page, what) {
  await assertAccessible(page, what);
  await assertFitsPhone(page, what);
}

async function screenshots(page, name) {
  const size = page.viewportSize();
  for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(SHOTS, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(size);
}

// --- The scene: the demo collège, with homework due tomorrow and a fresh grade for Léa.

let lea;
let otherPupil;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'ent-portal-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(ENT_BIN, ['demo', '--listen', `127.0.0.1:${port}`], {
    env: {
      ...process.env,
      ENT_DATABASE: `sqlite://${join(dataDir, 'ent.db')}`,
      ENT_MASTER_KEY_FILE: join(dataDir, 'master.key'),
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitReady(base);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });

  const parent = await apiLogin('parent.martin');
  const me = await api(parent, '/api/v1/me');
  lea = me.children[0].id;
  const tree = await api(parent, `/api/v1/structures/${UAI}`);
  const teacher = await apiLogin('sophie.bernard');
  const classes = await api(teacher, '/api/v1/me/classes');
  const maths = classes.find((a) => a.class_or_group_code === '6A');
  assert.ok(maths, `sophie.bernard teaches 6A: ${JSON.stringify(classes)}`);
  const today = new Date();
  const tomorrow = new Date(today.getTime() + 86_400_000);
  await command(teacher, 'AssignHomework', {
    class_or_group: maths.class_or_group, subject: maths.subject_id, given_on: isoDay(today), due_on: isoDay(tomorrow),
    description: 'Réviser les fractions <script>alert(1)</script>', estimated_minutes: 20,
  });
  const periods = Object.values(tree.periods).flatMap((y) => y.periods);
  const day = isoDay(today);
  const period = periods.find((p) => p.start <= day && day <= p.end) ?? periods.filter((p) => p.start <= day).at(-1);
  assert.ok(period, 'a period has begun');
  const evaluation = await command(teacher, 'CreateEvaluation', {
    class_or_group: maths.class_or_group, subject: maths.subject_id, period: period.period_id, date: day,
    title: 'Interrogation sur les fractions', scale: 20, coefficient: 1,
  });
  const evaluationId = Object.values(evaluation.created ?? {})[0] ?? evaluation.stream.split('/').at(-1);
  const graded = await command(teacher, 'RecordGrades', { evaluation: evaluationId, grades: [{ pupil: lea, value: 15.5 }] });
  // Read-your-writes: the pages are rendered once the read models have the scene.
  await api(parent, '/api/v1/me/today', graded.position);
  const roster = (await api(teacher, `/api/v1/classes/${maths.class_or_group}/roster`));
  otherPupil = roster.members.find((p) => p.id !== lea).id;
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  await new Promise((r) => (server ? server.on('exit', r) : r()));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('a parent sees homework and grades, justifies an absence; the CPE accepts it; the parent sees it justified', async () => {
  const parent = await newPage();
  await signIn(parent, 'parent.martin');
  await assert.doesNotReject(parent.getByText('Réviser les fractions <script>alert(1)</script>').first().waitFor());
  await parent.getByText('15,5/20').first().waitFor();
  await checkPage(parent, 'parent home');
  await screenshots(parent, 'parent-home');

  await parent.goto(`${base}/eleves/${lea}`);
  await checkPage(parent, "child's page");
  const absence = parent.locator('li.absence', { hasText: 'À justifier' }).first();
  await absence.getByLabel('Motif').selectOption('Maladie');
  await absence.getByLabel('Commentaire (facultatif)').fill('Fièvre <b>forte</b>');
  await absence.getByRole('button', { name: "Justifier l'absence" }).click();
  await parent.getByText('en attente de la vie scolaire').first().waitFor();

  const cpe = await newPage();
  await signIn(cpe, 'karim.benali');
  await screenshots(cpe, 'cpe-home');
  await checkPage(cpe, 'CPE home');
  await cpe.goto(`${base}/vie-scolaire/justifications`);
  const pending = cpe.locator('li.pending', { hasText: 'Léa Martin' }).first();
  await pending.getByText('Fièvre <b>forte</b>').waitFor();
  await checkPage(cpe, 'justifications to process');
  await pending.getByRole('button', { name: 'Accepter' }).click();
  await cpe.waitForURL(/\/vie-scolaire\/justifications/);
  assert.equal(await cpe.locator('li.pending', { hasText: 'Fièvre' }).count(), 0, 'the accepted justification is still pending');

  await parent.goto(`${base}/eleves/${lea}`);
  await parent.locator('li.absence .status-ok', { hasText: 'Justifiée' }).first().waitFor();
});

test('a form sent twice (double click, resent form) appends once', async () => {
  const token = await apiLogin('parent.martin');
  const parent = await newPage();
  await signIn(parent, 'parent.martin');
  await parent.goto(`${base}/eleves/${lea}`);
  // A fresh absence to justify: the CPE records one for yesterday.
  const cpeToken = await apiLogin('karim.benali');
  const yesterday = isoDay(new Date(Date.now() - 86_400_000));
  const recorded = await command(cpeToken, 'RecordAbsence', { pupil: lea, date: yesterday, halves: ['am'] });
  await api(token, `/api/v1/pupils/${lea}/absences`, recorded.position);
  await parent.goto(`${base}/eleves/${lea}`);
  const form = parent.locator('li.absence', { hasText: 'À justifier' }).first().locator('form');
  await form.getByLabel('Motif').selectOption('Rendez-vous médical');
  const fields = Object.fromEntries(await form.evaluate((f) => [...new FormData(f).entries()]));
  const cookies = await parent.context().cookies();
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const action = await form.getAttribute('action');
  const post = () => fetch(`${base}${action}`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams(fields).toString(),
  });
  const [first, second] = await Promise.all([post(), post()]);
  assert.equal(first.status, 303);
  assert.equal(second.status, 303);
  const position = Math.max(...[first, second].map((r) => Number(new URL(r.headers.get('location'), base).searchParams.get('apres'))));
  const absences = await api(token, `/api/v1/pupils/${lea}/absences`, position);
  assert.equal(absences.justifications.filter((j) => j.reason === 'Rendez-vous médical').length, 1);
});

test("a parent editing the URL to another family's child gets the 403 page and no data", async () => {
  const parent = await newPage();
  await signIn(parent, 'parent.martin');
  const response = await parent.goto(`${base}/eleves/${otherPupil}`);
  assert.equal(response.status(), 403);
  await parent.getByRole('heading', { name: 'Accès refusé' }).waitFor();
  const text = await parent.locator('main').innerText();
  assert.ok(!/Travail à faire|Dernières notes|Absences/.test(text), `the 403 page shows data: ${text}`);
  await checkPage(parent, '403 page');
  const missing = await parent.goto(`${base}/nulle-part`);
  assert.equal(missing.status(), 404);
  await parent.getByRole('heading', { name: 'Page introuvable' }).waitFor();
  await checkPage(parent, '404 page');
});

test('a POST without the CSRF token is refused with 403 and appends nothing', async () => {
  const parent = await newPage();
  await signIn(parent, 'parent.martin');
  const cookies = await parent.context().cookies();
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const before = await head();
  const forged = await fetch(`${base}/eleves/${lea}/justifications`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ command_id: crypto.randomUUID(), from: '2026-11-23T00:00:00', to: '2026-11-23T23:59:00', reason: 'Autre' }).toString(),
  });
  assert.equal(forged.status, 403);
  assert.match(await forged.text(), /rien n&#39;a été enregistré|rien n'a été enregistré/);
  const wrong = await fetch(`${base}/deconnexion`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: '_csrf=00',
  });
  assert.equal(wrong.status, 403);
  assert.equal(await head(), before, 'a forged form appended events');
});

test('the login page: accessible, wrong password answered in French, every page sets a strict CSP', async () => {
  const page = await newPage(PHONE);
  const response = await page.goto(`${base}/connexion`);
  const csp = response.headers()['content-security-policy'];
  assert.ok(csp && !csp.includes('unsafe-inline') && csp.includes("script-src 'self'"), `CSP: ${csp}`);
  await checkPage(page, 'login page');
  await screenshots(page, 'login');
  await page.getByLabel('Identifiant').fill('parent.martin');
  await page.getByLabel('Mot de passe').fill('not-the-password');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByText('Identifiant ou mot de passe incorrect.').waitFor();
  await checkPage(page, 'login page with an error');
});

test("every profile's home page is accessible and fits a phone", async () => {
  for (const login of ['lea.martin', 'sophie.bernard', 'claire.moreau', 'rectorat', 'inspecteur', 'admin']) {
    const page = await newPage();
    await signIn(page, login);
    await checkPage(page, `home of ${login}`);
    await screenshots(page, `home-${login}`);
    // Signing out closes the session: the cookie no longer opens the home page.
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(`${base}/connexion`);
    await page.goto(`${base}/`);
    assert.equal(new URL(page.url()).pathname, '/connexion');
    await page.context().close();
  }
});
