// Forums, blogs and news (actualités) in a real browser (see lib.mjs), on the demo's data: a
// pupil replies in the 6A forum (a script typed in the message is not stored), the maths
// teacher approves the pending comment of the 6A blog, a parent reads the news (pinned first),
// the head publishes one; every page accessible and usable at 375 px, with no console error
// (a CSP violation would be one).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, start, stop, newPage, signIn, checkPage, screenshots } from './lib.mjs';

before(start);
after(stop);

function consoleErrors(page) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

test('a pupil reads the 6A forum and replies; what the sanitiser removes never shows', async () => {
  const page = await newPage();
  const errors = consoleErrors(page);
  await signIn(page, 'lea.martin');
  await page.getByRole('link', { name: 'Forums' }).first().click();
  await page.getByRole('heading', { name: 'Forums', exact: true }).waitFor();
  await checkPage(page, 'forums');
  await page.getByRole('link', { name: 'Vie de la classe' }).click();
  await page.getByRole('link', { name: 'Sortie au muséum jeudi' }).click();
  await page.getByRole('heading', { name: 'Sortie au muséum jeudi' }).waitFor();
  await page.getByLabel('Message').fill('<p onclick="alert(1)">Je viens !</p><script>window.pwned = 1</script><a href="javascript:alert(1)">lien</a>');
  await page.getByRole('button', { name: 'Envoyer' }).click();
  await page.getByText('Je viens !').waitFor();
  assert.equal(await page.locator('.rich script').count(), 0, 'no script stored');
  assert.equal(await page.locator('.rich [onclick]').count(), 0, 'no event handler stored');
  assert.equal(await page.locator('.rich a[href^="javascript"]').count(), 0, 'no javascript: URL stored');
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await checkPage(page, 'forum topic');
  await screenshots(page, 'forum-topic');
  assert.deepEqual(errors, []);
});

test('the 6A teacher approves the pending comment of the class blog', async () => {
  const page = await newPage();
  const errors = consoleErrors(page);
  await signIn(page, 'sophie.bernard');
  await page.goto(`${env.base}/blogs`);
  await page.getByRole('link', { name: 'Le blog de la 6A' }).click();
  await page.getByRole('heading', { name: 'Notre projet « jardin »' }).waitFor();
  assert.equal(await page.locator('.tag', { hasText: 'en attente' }).count(), 1, 'the comment waits for approval');
  await checkPage(page, 'class blog');
  await page.getByRole('button', { name: 'Approuver le commentaire en attente' }).click();
  await page.getByText('On pourra goûter les radis ?').waitFor();
  assert.equal(await page.locator('.tag', { hasText: 'en attente' }).count(), 0, 'approved');
  await screenshots(page, 'class-blog');
  assert.deepEqual(errors, []);
});

test('a parent reads the news, pinned first; the head publishes one', async () => {
  const parent = await newPage();
  const errors = consoleErrors(parent);
  await signIn(parent, 'parent.martin');
  await parent.goto(`${env.base}/actualites`);
  const titles = await parent.locator('article.news h2').allTextContents();
  assert.match(titles[0], /Portes ouvertes samedi/);
  assert.ok(titles.some((t) => /Menu de la cantine/.test(t)), JSON.stringify(titles));
  assert.equal(await parent.getByRole('link', { name: 'Forums' }).count(), 0, 'parents take no part in forums');
  await checkPage(parent, 'news feed');
  await screenshots(parent, 'news');
  assert.deepEqual(errors, []);

  const head = await newPage();
  await signIn(head, 'claire.moreau');
  await head.goto(`${env.base}/actualites`);
  await head.getByLabel('Titre').fill('Conseil de classe');
  await head.getByLabel('Texte').fill('<p>Le conseil de la 6A a lieu <strong>mardi</strong>.</p>');
  await head.getByRole('button', { name: 'Publier' }).click();
  await head.getByRole('heading', { name: 'Conseil de classe' }).waitFor();
  await checkPage(head, 'news feed (staff)');
});
