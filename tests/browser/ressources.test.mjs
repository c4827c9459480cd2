// The "Ressources" and "Parcours" pages in a real browser (see lib.mjs): a pupil searches the
// catalogue in French ("évaluation" finds "Évaluations …"), opens her classe inversée path and
// marks a step done; a teacher's refused publication (a javascript: link) shows its error next to
// the field and appends nothing, an accepted one is listed; the teacher's progress table shows
// the pupil's step. Every page accessible (axe-core) and usable at 375 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, start, stop, newPage, signIn, checkPage, screenshots, PHONE } from './lib.mjs';

before(start);
after(stop);

test('a pupil searches the catalogue and marks a step of her path done', async () => {
  const page = await newPage(PHONE);
  await signIn(page, 'lea.martin');
  await page.goto(`${env.base}/ressources`);
  await page.getByRole('heading', { name: 'Ressources', level: 1 }).waitFor();
  await page.getByLabel('Mots').fill('évaluation');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await page.getByRole('heading', { name: 'Résultats' }).waitFor();
  const results = await page.locator('ul.items li .item-head').allTextContents();
  assert.deepEqual(results.map((t) => t.trim()), ['Évaluations de fractions : exercices corrigés']);
  await checkPage(page, 'catalogue search');
  await screenshots(page, 'ressources-search');

  await page.goto(`${env.base}/parcours`);
  await page.getByRole('heading', { name: 'Les fractions en classe inversée' }).waitFor();
  await page.getByText('3 étapes faites sur 4').first().waitFor();
  await checkPage(page, 'pupil paths');
  await page.getByRole('button', { name: "J'ai fait l'étape 4" }).click();
  await page.getByText('4 étapes faites sur 4').first().waitFor();
  assert.equal(await page.getByRole('button', { name: /J'ai fait l'étape/ }).count(), 0, 'every step is done');
  await screenshots(page, 'ressources-parcours');
});

test('a teacher publishes a link (a refusal first) and reads the progress table', async () => {
  const page = await newPage(PHONE);
  await signIn(page, 'sophie.bernard');
  await page.goto(`${env.base}/ressources`);
  await page.getByLabel('Titre').fill('Un lien piégé');
  await page.getByLabel('Lien (http ou https)').fill('javascript:alert(1)');
  await page.getByRole('button', { name: 'Publier' }).click();
  await page.locator('#erreur-publier-lien').waitFor();
  assert.equal(await page.getByLabel('Titre').inputValue(), 'Un lien piégé', 'what was typed is kept');
  await checkPage(page, 'refused publication');
  await page.getByLabel('Titre').fill('La proportionnalité en vidéo');
  await page.getByLabel('Lien (http ou https)').fill('https://www.lumni.fr/video/proportionnalite');
  await page.getByRole('button', { name: 'Publier' }).click();
  await page.getByRole('link', { name: 'La proportionnalité en vidéo' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Un lien piégé' }).count(), 0, 'the refused one was not appended');
  await checkPage(page, 'catalogue with the publish form');
  await screenshots(page, 'ressources-teacher');

  await page.goto(`${env.base}/parcours`);
  await page.getByRole('link', { name: 'Les fractions en classe inversée' }).click();
  const table = page.getByRole('table', { name: 'Étapes faites par élève' });
  await table.waitFor();
  const lea = table.locator('tbody tr', { hasText: 'Léa Martin' });
  assert.equal(await lea.count(), 1);
  assert.match(await lea.locator('td').last().textContent(), /\/ 4/);
  await checkPage(page, 'progress table');
  await screenshots(page, 'ressources-progress');
});
