// The agenda in a real browser (see lib.mjs): a parent's week of their child's agenda on a phone
// (lessons, the conseil de classe and the sortie of 6A from the demo, the next week), the
// direction's school events (a refused form that appends nothing, then created, changed and
// cancelled), and a pupil's calendar subscription (the URL shown once, the feed behind it, then
// revoked); every page checked with axe-core and at 375 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, start, stop, apiLogin, api, head, newPage, signIn, checkPage, screenshots, PHONE } from './lib.mjs';

const WEEK = '2026-12-07'; // the demo's week in 6A's timetable

before(start);
after(stop);

test("a parent reads their child's week on a 375 px phone and goes to the next week", async () => {
  const page = await newPage(PHONE);
  await signIn(page, 'parent.martin');
  await page.getByRole('link', { name: 'Agenda', exact: true }).first().click();
  await page.waitForURL(`${env.base}/agenda`);
  await page.goto(`${env.base}/agenda?semaine=${WEEK}`);
  await page.getByRole('heading', { name: 'Agenda de Léa Martin' }).waitFor();
  await page.getByText('Conseil de classe de 6A (1er trimestre)').waitFor();
  await page.getByText('Sortie au musée du Louvre').waitFor();
  await page.getByText('Réunion parents-professeurs').waitFor();
  assert.ok((await page.getByText('Cours', { exact: true }).count()) >= 10, 'ten lessons in the week');
  await checkPage(page, 'agenda week');
  await screenshots(page, 'agenda-week');
  await page.getByRole('link', { name: 'Semaine suivante' }).click();
  await page.waitForURL(`${env.base}/agenda?semaine=2026-12-14`);
  await page.getByRole('heading', { name: 'Semaine du lundi 14 décembre' }).waitFor();
  await checkPage(page, 'agenda next week');
});

test('the direction adds a school event (a refused form appends nothing), changes it and cancels it', async () => {
  const page = await newPage();
  await signIn(page, 'claire.moreau');
  await page.goto(`${env.base}/agenda/evenements`);
  await page.getByRole('heading', { name: "Événements de l'établissement" }).waitFor();
  await checkPage(page, 'school events');
  await screenshots(page, 'agenda-events');

  const before = await head();
  await page.getByLabel('Titre').fill('Portes ouvertes');
  await page.getByLabel('Début').fill('2026-12-12T10:00');
  await page.getByLabel('Fin').fill('2026-12-12T09:00');
  await page.getByRole('button', { name: "Ajouter l'événement" }).click();
  await page.locator('#erreur-evenement-fin').waitFor();
  assert.equal(await page.getByLabel('Fin').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel('Titre').inputValue(), 'Portes ouvertes', 'what was typed comes back');
  assert.equal(await head(), before, 'a refused form appends nothing');
  await checkPage(page, 'school events, refused');

  await page.getByLabel('Fin').fill('2026-12-12T13:00');
  await page.getByLabel('Lieu (facultatif)').fill('Hall du collège');
  await page.getByRole('button', { name: "Ajouter l'événement" }).click();
  await page.waitForURL(/\/agenda\/evenements\?apres=/);
  await page.getByRole('link', { name: 'Portes ouvertes' }).click();
  await page.getByRole('heading', { name: 'Portes ouvertes' }).waitFor();
  await checkPage(page, 'school event');
  await screenshots(page, 'agenda-event');

  await page.getByLabel('Lieu (facultatif)').fill('Gymnase');
  await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
  await page.waitForURL(/apres=/);
  assert.equal(await page.getByLabel('Lieu (facultatif)').inputValue(), 'Gymnase');
  await page.getByLabel('Motif (facultatif)').fill('Travaux');
  await page.getByRole('button', { name: "Annuler l'événement" }).click();
  await page.waitForURL(/apres=/);
  await page.getByText('Cet événement est annulé').waitFor();

  // A teacher does not manage the structure's events.
  const teacher = await newPage();
  await signIn(teacher, 'sophie.bernard');
  const r = await teacher.goto(`${env.base}/agenda/evenements`);
  assert.equal(r.status(), 404);
});

test('a pupil subscribes a calendar (the URL shown once, the feed behind it) and revokes it', async () => {
  const page = await newPage(PHONE);
  await signIn(page, 'lea.martin');
  await page.goto(`${env.base}/agenda`);
  await page.getByRole('link', { name: /Abonnement calendrier/ }).click();
  await page.getByRole('heading', { name: 'Abonnement calendrier', level: 1 }).waitFor();
  await checkPage(page, 'calendar subscriptions');
  await page.getByLabel(/^Nom/).fill('Téléphone');
  await page.getByRole('button', { name: "Créer l'adresse" }).click();
  const url = await page.getByLabel("Adresse de l'abonnement").inputValue();
  const token = new URL(url).searchParams.get('token');
  assert.match(token ?? '', /^[0-9a-f]{96}$/);
  await checkPage(page, 'calendar subscription created');
  await screenshots(page, 'agenda-feeds');

  const feed = await fetch(`${env.base}/api/v1/agenda.ics?token=${token}`);
  assert.equal(feed.status, 200);
  assert.match(feed.headers.get('content-type'), /^text\/calendar/);
  const text = await feed.text();
  assert.match(text, /^BEGIN:VCALENDAR\r\n/);
  assert.match(text, /BEGIN:VTIMEZONE\r\nTZID:Europe\/Paris\r\n/);

  // Shown once: the page read again does not show it.
  await page.goto(`${env.base}/agenda/abonnement`);
  assert.equal(await page.getByLabel("Adresse de l'abonnement").count(), 0);
  await page.getByRole('button', { name: /Révoquer/ }).click();
  await page.waitForURL(/apres=/);
  await page.getByText(/révoqué le/).waitFor();
  assert.equal((await fetch(`${env.base}/api/v1/agenda.ics?token=${token}`)).status, 404, 'revoked at once');
  const lea = await apiLogin('lea.martin');
  const feeds = await api(lea, '/api/v1/agenda/feeds');
  assert.ok(feeds[0].revoked_at, 'the feed is revoked');
});
