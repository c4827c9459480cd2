// The messagerie in a real browser (see lib.mjs), on the demo collège: the parent reads the
// CPE's message in their inbox (unread count), marks it read and answers it; their compose form
// offers no other parent (the communication rules); the teacher writes to class 6A from the
// compose form and a pupil of 6A receives it; every page accessible and usable at 375 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, start, stop, newPage, signIn, checkPage, screenshots } from './lib.mjs';

before(start);
after(stop);

test('a parent reads and answers, is offered no other parent; a teacher writes to 6A', async () => {
  const parent = await newPage();
  await signIn(parent, 'parent.martin');
  await parent.getByRole('link', { name: 'Messagerie' }).first().click();
  await parent.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
  const inbox = parent.getByRole('link', { name: /Boîte de réception/ });
  assert.match(await inbox.textContent(), /\d/, 'the inbox shows its unread count');
  await screenshots(parent, 'messagerie-inbox');
  await checkPage(parent, 'messagerie inbox');

  await parent.getByRole('link', { name: /Absence de Léa/ }).click();
  await parent.getByRole('heading', { name: 'Absence de Léa' }).waitFor();
  await checkPage(parent, 'messagerie message');
  await parent.getByRole('button', { name: 'Marquer lu' }).click();
  await parent.getByRole('button', { name: 'Marquer non lu' }).waitFor();
  await parent.getByLabel('Message').fill('Bonjour, Léa était malade. Je vous envoie le justificatif.');
  await parent.getByRole('button', { name: 'Envoyer la réponse' }).click();
  await parent.getByRole('heading', { name: 'Messages envoyés' }).waitFor();
  assert.ok(await parent.getByRole('link', { name: /Re: Absence de Léa/ }).count() > 0, 'the answer is in the sent box');

  // The compose form offers only who the rules allow: no other parent.
  await parent.goto(`${env.base}/messagerie/nouveau`);
  await parent.getByRole('heading', { name: 'Nouveau message' }).waitFor();
  assert.equal(await parent.getByLabel('Parent Bernard').count(), 0, 'another parent is not offered');
  await checkPage(parent, 'messagerie compose');

  const teacher = await newPage();
  await signIn(teacher, 'sophie.bernard');
  await teacher.goto(`${env.base}/messagerie/nouveau`);
  await teacher.getByLabel('Classe 6A').check();
  await teacher.getByLabel('Objet').fill('Contrôle de géométrie');
  await teacher.getByLabel('Message').fill('Le contrôle aura lieu vendredi.');
  await teacher.getByRole('button', { name: 'Envoyer' }).click();
  await teacher.getByRole('heading', { name: 'Messages envoyés' }).waitFor();
  assert.ok(await teacher.getByRole('link', { name: /Contrôle de géométrie/ }).count() > 0);

  const pupil = await newPage();
  await signIn(pupil, 'lea.martin');
  await pupil.goto(`${env.base}/messagerie`);
  assert.ok(await pupil.getByRole('link', { name: /Contrôle de géométrie/ }).count() > 0, 'the pupil of 6A received it');
  await checkPage(pupil, 'messagerie pupil inbox');
});
