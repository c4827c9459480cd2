// The workspace in a real browser (see lib.mjs): a teacher uploads a small file through the
// portal's form (multipart, streamed like the API), sees it in "Mes fichiers" with the quota bar,
// downloads it, puts it in the trash and restores it; a pupil of 6A finds the file the teacher
// shared with the class in "Partagés avec moi". Every page is checked with axe-core and at 375 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  env, start, stop, apiLogin, api, head, newPage, signIn, cookieHeader, checkPage, screenshots,
} from './lib.mjs';

before(start);
after(stop);

test('a teacher uploads a file through the form, downloads it, trashes and restores it', async () => {
  const page = await newPage();
  await signIn(page, 'sophie.bernard');
  await page.getByRole('link', { name: 'Mes fichiers' }).click();
  await page.waitForURL(`${env.base}/espace`);
  await page.getByRole('heading', { name: 'Cours de mathématiques' }).waitFor();
  await checkPage(page, 'Mes fichiers');
  await screenshots(page, 'espace-home');

  await page.getByLabel('Fichier', { exact: true }).setInputFiles({ name: 'devoir-6A.txt', mimeType: 'text/plain', buffer: Buffer.from('Exercices pour lundi') });
  await page.getByRole('button', { name: 'Déposer' }).click();
  await page.waitForURL(/\/espace\?apres=\d+$/);
  const link = page.getByRole('link', { name: 'devoir-6A.txt' });
  await link.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), 'devoir-6A.txt');
  assert.equal(readFileSync(await download.path(), 'utf8'), 'Exercices pour lundi');

  // The same through the API: the file is in the teacher's workspace, its bytes counted.
  const teacher = await apiLogin('sophie.bernard');
  const ws = await api(teacher, '/api/v1/workspace');
  const file = ws.files.find((f) => f.name === 'devoir-6A.txt');
  assert.ok(file, JSON.stringify(ws.files));
  assert.equal(file.size, 20);

  // To the trash, and back.
  const row = page.locator('li.file', { hasText: 'devoir-6A.txt' });
  await row.locator('summary').click();
  await row.getByRole('button', { name: /Mettre à la corbeille/ }).click();
  await page.waitForURL(/\/espace\?apres=\d+$/);
  assert.equal(await page.getByRole('link', { name: 'devoir-6A.txt' }).count(), 0);
  await page.getByRole('link', { name: 'Corbeille' }).first().click();
  await page.locator('li.file', { hasText: 'devoir-6A.txt' }).waitFor();
  await checkPage(page, 'Corbeille');
  await screenshots(page, 'espace-trash');
  await page.getByRole('button', { name: /Restaurer/ }).click();
  await page.waitForURL(/\/espace\/corbeille\?apres=\d+$/);
  await page.getByText('La corbeille est vide.').waitFor();
});

test('a refused upload (a name already used) shows why and changes nothing', async () => {
  const page = await newPage();
  await signIn(page, 'sophie.bernard');
  await page.goto(`${env.base}/espace`);
  const teacher = await apiLogin('sophie.bernard');
  const before = (await api(teacher, '/api/v1/workspace')).files.length;
  await page.getByLabel('Fichier', { exact: true }).setInputFiles({ name: 'Sortie au musée - autorisation.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
  await page.getByRole('button', { name: 'Déposer' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent(), /already exists/);
  await checkPage(page, 'Mes fichiers, upload refused');
  assert.equal((await api(teacher, '/api/v1/workspace')).files.length, before);
});

test('a pupil of 6A finds the file shared with the class', async () => {
  const parent = await apiLogin('parent.martin');
  const child = (await api(parent, '/api/v1/me')).children[0];
  const card = await api(parent, `/api/v1/users/${child.id}`);
  const page = await newPage();
  await signIn(page, card.login);
  await page.goto(`${env.base}/espace/partages`);
  await page.getByRole('link', { name: 'Sortie au musée - autorisation.txt' }).waitFor();
  await checkPage(page, 'Partagés avec moi');
  await screenshots(page, 'espace-shared');
});

test("an upload form without the session's CSRF token is refused before its file is read", async () => {
  const page = await newPage();
  await signIn(page, 'sophie.bernard');
  const form = new FormData();
  form.append('command_id', crypto.randomUUID());
  form.append('file', new Blob(['forged']), 'forged.txt');
  // Refused before the body is read: the server answers 403 and may close the connection while
  // the client is still sending the body, which fetch reports as a network error. Either is a
  // refusal; what must not happen is a stored file.
  let status;
  try {
    const r = await fetch(`${env.base}/espace/depot`, {
      method: 'POST', headers: { cookie: await cookieHeader(page) }, body: form, redirect: 'manual',
    });
    status = r.status;
  } catch {
    status = 'connection closed before the answer was read';
  }
  assert.ok(status === 403 || typeof status === 'string', `refused: ${status}`);
  const teacher = await apiLogin('sophie.bernard');
  const files = (await api(teacher, '/api/v1/workspace', await head())).files.map((f) => f.name);
  assert.ok(!files.includes('forged.txt'), JSON.stringify(files));
});
