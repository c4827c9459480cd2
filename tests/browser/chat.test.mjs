// The chat and visio pages in a real browser (see lib.mjs): two people of 6A in two browser
// contexts on the class's room; a message posted by one (through the form, which works without
// script) appears in the other's page live, through the room's WebSocket; the Visio page lists
// the demo's meeting with its join link; every page accessible and fitting a 375 px phone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, start, stop, apiLogin, api, newPage, signIn, checkPage, screenshots, PHONE } from './lib.mjs';

before(start);
after(stop);

test('a message posted in the 6A room appears live in another member\'s page', async () => {
  const pupil = await apiLogin('lea.martin');
  const rooms = await api(pupil, '/api/v1/chat/rooms');
  const room = rooms.find((r) => r.kind === 'class');
  assert.ok(room, 'the demo has the 6A room');

  const teacherPage = await newPage();
  await signIn(teacherPage, 'sophie.bernard');
  await teacherPage.goto(`${env.base}/discussions`);
  await teacherPage.getByRole('link', { name: room.title }).click();
  await teacherPage.locator('#messages[data-ready="true"]').waitFor();
  await checkPage(teacherPage, 'chat room (teacher)');

  const pupilPage = await newPage(PHONE);
  await signIn(pupilPage, 'lea.martin');
  await pupilPage.goto(`${env.base}/discussions/${room.room_id}`);
  await checkPage(pupilPage, 'chat room (pupil, phone)');
  const text = `Bonjour depuis le navigateur ${Date.now()}`;
  await pupilPage.getByRole('textbox', { name: 'Message' }).fill(text);
  await pupilPage.getByRole('button', { name: 'Envoyer' }).click();
  // The poster's page reloads with the message (POST, redirect); the other page gets it live.
  await pupilPage.getByText(text).waitFor();
  await teacherPage.getByText(text).waitFor({ timeout: 5000 });
  await screenshots(teacherPage, 'chat-room');
});

test('the Visio page lists the demo meeting with its link', async () => {
  const page = await newPage(PHONE);
  await signIn(page, 'julien.petit');
  await page.goto(`${env.base}/visio`);
  await page.getByText('Rencontre parents–professeurs de 6A (visio)').waitFor();
  const link = page.getByRole('link', { name: 'Rejoindre la réunion' }).first();
  assert.match(await link.getAttribute('href'), /^https:\/\/meet\.jit\.si\//);
  await checkPage(page, 'visio');
  await screenshots(page, 'visio');
});
