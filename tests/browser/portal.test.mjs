// The portal's family and vie scolaire pages in a real browser (see lib.mjs): a parent's home and
// child page, justifying an absence and the CPE accepting it, idempotent forms, the 403 and 404
// pages, CSRF, the login page, every profile's home page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  env, start, stop, apiLogin, api, command, head, isoDay, newPage, signIn, cookieHeader, checkPage, screenshots, PHONE, UAI,
} from './lib.mjs';

// --- The scene: the demo collège, with homework due tomorrow and a fresh grade for Léa.

let lea;
let otherPupil;

before(async () => {
  await start();

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

after(stop);

test('a parent sees homework and grades, justifies an absence; the CPE accepts it; the parent sees it justified', async () => {
  const parent = await newPage();
  await signIn(parent, 'parent.martin');
  await assert.doesNotReject(parent.getByText('Réviser les fractions <script>alert(1)</script>').first().waitFor());
  await parent.getByText('15,5/20').first().waitFor();
  await checkPage(parent, 'parent home');
  await screenshots(parent, 'parent-home');

  await parent.goto(`${env.base}/eleves/${lea}`);
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
  await cpe.goto(`${env.base}/vie-scolaire/justifications`);
  const pending = cpe.locator('li.pending', { hasText: 'Léa Martin' }).first();
  await pending.getByText('Fièvre <b>forte</b>').waitFor();
  await checkPage(cpe, 'justifications to process');
  await pending.getByRole('button', { name: 'Accepter' }).click();
  await cpe.waitForURL(/\/vie-scolaire\/justifications/);
  assert.equal(await cpe.locator('li.pending', { hasText: 'Fièvre' }).count(), 0, 'the accepted justification is still pending');

  await parent.goto(`${env.base}/eleves/${lea}`);
  await parent.locator('li.absence .status-ok', { hasText: 'Justifiée' }).first().waitFor();
});

test('a form sent twice (double click, resent form) appends once', async () => {
  const token = await apiLogin('parent.martin');
  const parent = await newPage();
  await signIn(parent, 'parent.martin');
  await parent.goto(`${env.base}/eleves/${lea}`);
  // A fresh absence to justify: the CPE records one for yesterday.
  const cpeToken = await apiLogin('karim.benali');
  const yesterday = isoDay(new Date(Date.now() - 86_400_000));
  const recorded = await command(cpeToken, 'RecordAbsence', { pupil: lea, date: yesterday, halves: ['am'] });
  await api(token, `/api/v1/pupils/${lea}/absences`, recorded.position);
  await parent.goto(`${env.base}/eleves/${lea}`);
  const form = parent.locator('li.absence', { hasText: 'À justifier' }).first().locator('form');
  await form.getByLabel('Motif').selectOption('Rendez-vous médical');
  const fields = Object.fromEntries(await form.evaluate((f) => [...new FormData(f).entries()]));
  const cookie = await cookieHeader(parent);
  const action = await form.getAttribute('action');
  const post = () => fetch(`${env.base}${action}`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams(fields).toString(),
  });
  const [first, second] = await Promise.all([post(), post()]);
  assert.equal(first.status, 303);
  assert.equal(second.status, 303);
  const position = Math.max(...[first, second].map((r) => Number(new URL(r.headers.get('location'), env.base).searchParams.get('apres'))));
  const absences = await api(token, `/api/v1/pupils/${lea}/absences`, position);
  assert.equal(absences.justifications.filter((j) => j.reason === 'Rendez-vous médical').length, 1);
});

test("a parent editing the URL to another family's child gets the 403 page and no data", async () => {
  const parent = await newPage();
  await signIn(parent, 'parent.martin');
  const response = await parent.goto(`${env.base}/eleves/${otherPupil}`);
  assert.equal(response.status(), 403);
  await parent.getByRole('heading', { name: 'Accès refusé' }).waitFor();
  const text = await parent.locator('main').innerText();
  assert.ok(!/Travail à faire|Dernières notes|Absences/.test(text), `the 403 page shows data: ${text}`);
  await checkPage(parent, '403 page');
  const missing = await parent.goto(`${env.base}/nulle-part`);
  assert.equal(missing.status(), 404);
  await parent.getByRole('heading', { name: 'Page introuvable' }).waitFor();
  await checkPage(parent, '404 page');
});

test('a POST without the CSRF token is refused with 403 and appends nothing', async () => {
  const parent = await newPage();
  await signIn(parent, 'parent.martin');
  const cookie = await cookieHeader(parent);
  const before = await head();
  const forged = await fetch(`${env.base}/eleves/${lea}/justifications`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ command_id: crypto.randomUUID(), from: '2026-11-23T00:00:00', to: '2026-11-23T23:59:00', reason: 'Autre' }).toString(),
  });
  assert.equal(forged.status, 403);
  assert.match(await forged.text(), /rien n&#39;a été enregistré|rien n'a été enregistré/);
  const wrong = await fetch(`${env.base}/deconnexion`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: '_csrf=00',
  });
  assert.equal(wrong.status, 403);
  assert.equal(await head(), before, 'a forged form appended events');
});

test('the login page: accessible, wrong password answered in French, every page sets a strict CSP', async () => {
  const page = await newPage(PHONE);
  const response = await page.goto(`${env.base}/connexion`);
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
    await page.waitForURL(`${env.base}/connexion`);
    await page.goto(`${env.base}/`);
    assert.equal(new URL(page.url()).pathname, '/connexion');
    await page.context().close();
  }
});

test("a parent opens a published bulletin, downloads its PDF, and reads the competencies booklet", async () => {
  const parent = await newPage();
  await signIn(parent, 'parent.martin');
  await parent.goto(`${env.base}/eleves/${lea}`);
  await parent.getByRole('link', { name: 'Bulletin du T1', exact: true }).click();
  await parent.getByText('Moyenne générale').waitFor();
  await parent.getByRole('heading', { name: 'Conseil de classe' }).waitFor();
  await checkPage(parent, 'bulletin page');
  const [download] = await Promise.all([
    parent.waitForEvent('download'),
    parent.getByRole('link', { name: 'Télécharger le bulletin (PDF)' }).click(),
  ]);
  const path = await download.path();
  const { readFileSync } = await import('node:fs');
  assert.equal(readFileSync(path).subarray(0, 5).toString(), '%PDF-');
  await parent.goto(`${env.base}/eleves/${lea}/livret`);
  await parent.getByRole('heading', { name: /Livret de compétences/ }).waitFor();
  await checkPage(parent, 'competencies booklet');
  // Another family's bulletin is not found, like an unknown one.
  const tree = await api(await apiLogin('parent.martin'), `/api/v1/structures/${UAI}`);
  const t1 = Object.values(tree.periods).flatMap((y) => y.periods).find((p) => p.name === 'T1');
  const other = await parent.goto(`${env.base}/eleves/${otherPupil}/bulletins/${t1.period_id}`);
  assert.equal(other.status(), 404);
});

test('the CPE: the day, the L131-8 report, a punishment refused with the error next to its field, then given', async () => {
  const cpe = await newPage();
  await signIn(cpe, 'karim.benali');
  await cpe.getByRole('heading', { name: /Vie scolaire/ }).waitFor();
  await checkPage(cpe, 'vie scolaire day');
  await cpe.goto(`${env.base}/vie-scolaire/signalements?mois=pas-un-mois`);
  await cpe.getByText("n'est pas un mois").waitFor();
  await checkPage(cpe, 'L131-8 report');
  await cpe.goto(`${env.base}/vie-scolaire/punitions`);
  await checkPage(cpe, 'punishments');
  const before = await head();
  await cpe.getByLabel('Punition', { exact: true }).selectOption('retenue');
  await cpe.getByLabel('Motif', { exact: true }).fill('<img src=x onerror=alert(1)> Bavardages répétés');
  await cpe.getByRole('button', { name: 'Enregistrer la punition' }).click();
  await cpe.locator('#erreur-eleve', { hasText: 'Choisissez un élève.' }).waitFor();
  assert.equal(await cpe.getByLabel('Motif', { exact: true }).inputValue(), '<img src=x onerror=alert(1)> Bavardages répétés', 'the typed reason was lost');
  assert.equal(await head(), before, 'a refused form appended events');
  await cpe.getByLabel('Élève', { exact: true }).selectOption({ label: 'Martin Léa' });
  await cpe.getByRole('button', { name: 'Enregistrer la punition' }).click();
  await cpe.waitForURL(/\/vie-scolaire\/punitions\?apres=/);
  await cpe.locator('li', { hasText: '<img src=x onerror=alert(1)> Bavardages répétés' }).first().waitFor();
  assert.equal(await cpe.locator('img[src=x]').count(), 0, 'user content was rendered as HTML');
});
