// The réservations pages in a real browser (see lib.mjs): a teacher's resources and bookings, a
// resource's week with its booking form (a collision refused, naming the booking; then a free
// slot booked and cancelled), the head approving a pending computer-room booking (a refusal
// without a reason first), the occupancy table and the closed-days form; each page accessible
// and usable at 375 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, start, stop, apiLogin, api, newPage, signIn, checkPage, screenshots } from './lib.mjs';

before(start);
after(stop);

/** Console errors of a page (a CSP violation is reported there); the favicon's absence and the
 * 422 status of a refused form's page (expected) are not counted. */
function consoleErrors(page) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && !m.text().includes('status of 422')) {
      errors.push(`${m.text()} (${m.location().url})`);
    }
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

test('a teacher books a room from its week: a collision is refused naming the booking, a free slot is booked, then cancelled', async () => {
  const token = await apiLogin('sophie.bernard');
  const mine = await api(token, '/api/v1/me/bookings');
  const council = mine.find((b) => b.purpose.startsWith("Conseil d'enseignement"));
  assert.ok(council, `the demo books B12 for Sophie Bernard: ${JSON.stringify(mine)}`);
  const day = council.occurrences[0].from.slice(0, 10);

  const page = await newPage();
  const errors = consoleErrors(page);
  await signIn(page, 'sophie.bernard');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Réservations' }).click();
  await page.getByRole('heading', { name: 'Réservations', level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'Salles et matériel' }).waitFor();
  assert.ok(await page.getByRole('link', { name: 'Salle informatique (INFO1)' }).count() > 0);
  await checkPage(page, 'réservations');
  await screenshots(page, 'reservations-home');

  await page.getByRole('link', { name: 'Salle B12 (B12)' }).first().click();
  await page.getByRole('heading', { name: 'Salle B12 (B12)' }).waitFor();
  await page.getByText("Conseil d'enseignement de mathématiques").waitFor();
  await checkPage(page, 'a resource week');
  await screenshots(page, 'reservations-week');

  // The slot of the council: refused, the booking named, nothing appended.
  await page.getByLabel('Date', { exact: true }).fill(day);
  await page.getByLabel('Début').fill('10:30');
  await page.getByLabel('Fin').fill('11:30');
  await page.getByLabel('Objet').fill('Soutien');
  await page.getByRole('button', { name: 'Réserver' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), new RegExp(`collides with booking ${council.id}`));
  await checkPage(page, 'a refused booking');
  assert.equal((await api(token, '/api/v1/me/bookings')).length, mine.length, 'nothing was booked');

  // A free slot: booked, shown in the week.
  await page.getByLabel('Début').fill('15:00');
  await page.getByLabel('Fin').fill('16:00');
  await page.getByLabel('Objet').fill('Soutien');
  await page.getByRole('button', { name: 'Réserver' }).click();
  await page.waitForURL(/apres=/);
  await page.getByText('15:00 – 16:00').waitFor();

  // Cancelled from "Mes réservations".
  await page.goto(`${env.base}/reservations`);
  const cancel = page.getByRole('button', { name: /Annuler cette réservation.*15:00/ });
  await cancel.click();
  await page.waitForURL(/apres=/);
  await page.getByText('Annulée').first().waitFor();
  const after = await api(token, '/api/v1/me/bookings');
  assert.equal(after.filter((b) => b.status === 'cancelled').length, 1);
  assert.deepEqual(errors, [], 'no console error (a CSP violation would be one)');
  await page.context().close();
});

test('the head approves a pending booking (a refusal needs a reason), reads the occupancy and declares closed days', async () => {
  const page = await newPage();
  const errors = consoleErrors(page);
  await signIn(page, 'claire.moreau');
  await page.goto(`${env.base}/reservations`);
  await page.getByRole('link', { name: 'Demandes à valider' }).click();
  await page.getByRole('heading', { name: 'Réservations à valider' }).waitFor();
  await page.getByText('Atelier de traitement de texte').waitFor();
  await checkPage(page, 'approvals');
  await screenshots(page, 'reservations-approvals');
  // A refusal without a reason is refused.
  await page.getByRole('button', { name: /^Refuser/ }).first().click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent(), /Motif du refus/);
  await page.getByRole('button', { name: /^Valider/ }).first().click();
  await page.waitForURL(/apres=/);
  await page.getByText('Aucune demande en attente.').waitFor();

  await page.goto(`${env.base}/reservations/occupation`);
  await page.getByRole('heading', { name: 'Occupation des salles et du matériel' }).waitFor();
  assert.equal(await page.locator('table tbody tr').count(), 3);
  await checkPage(page, 'occupancy');
  await screenshots(page, 'reservations-occupancy');

  await page.goto(`${env.base}/direction/fermetures`);
  await page.getByText('Vacances de la Toussaint', { exact: true }).waitFor();
  await page.getByLabel('Du').fill('2027-05-14');
  await page.getByLabel('Au (inclus)').fill('2027-05-13');
  await page.getByLabel('Motif').fill('Pont de l\'Ascension');
  await page.getByRole('button', { name: 'Déclarer la fermeture' }).click();
  await page.locator('#erreur-fermeture-au').waitFor();
  await checkPage(page, 'a refused closed-days form');
  await page.getByLabel('Au (inclus)').fill('2027-05-14');
  await page.getByRole('button', { name: 'Déclarer la fermeture' }).click();
  await page.waitForURL(/apres=/);
  await page.getByText("Pont de l'Ascension", { exact: true }).waitFor();
  await checkPage(page, 'closed days');
  await screenshots(page, 'closed-days');
  const token = await apiLogin('claire.moreau');
  const closed = await api(token, '/api/v1/structures/0750680G/closed-days');
  assert.equal(closed.days.length, 3);
  await page.getByRole('button', { name: "Retirer : Pont de l'Ascension" }).click();
  await page.waitForURL(/apres=/);
  assert.equal(await page.getByText("Pont de l'Ascension", { exact: true }).count(), 0);
  assert.deepEqual(errors, [], 'no console error (a CSP violation would be one)');
  await page.context().close();
});
