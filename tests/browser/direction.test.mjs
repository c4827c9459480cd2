// The direction's, the rectorat's and the inspector's pages in a real browser (see lib.mjs):
// indicators drawn as SVG charts (no CSP violation), the académie CSV download with its
// suppressed cells, a sanction pronounced from its form (a refusal first: nothing appended),
// bulletins published from the page, an inspector's visa, and each page accessible at 375 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { env, start, stop, apiLogin, api, head, newPage, signIn, checkPage, screenshots, UAI } from './lib.mjs';

before(start);
after(stop);

/** Console errors of a page (a CSP violation is reported there); the browser's own request for a
 * favicon, which the portal does not have, is not one. */
function consoleErrors(page) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/** The CSV's rows as objects keyed by the header line's names. */
function parseCsv(text) {
  const [header, ...lines] = text.trimEnd().split('\r\n');
  const names = header.split(',');
  return { header, rows: lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v]))) };
}

test('the direction opens the indicators page and sees an SVG chart; the rectorat downloads the CSV', async () => {
  const direction = await newPage();
  const errors = consoleErrors(direction);
  await signIn(direction, 'claire.moreau');
  await direction.getByRole('heading', { name: "Indicateurs de l'établissement" }).waitFor();
  await screenshots(direction, 'direction-home');
  await direction.goto(`${env.base}/direction/indicateurs`);
  const chart = direction.locator('svg.chart[role="img"]').first();
  await chart.waitFor();
  assert.ok((await chart.boundingBox()).height > 100, 'the chart is drawn');
  assert.match(await chart.locator('title').textContent(), /Connexions par jour/);
  assert.ok(await direction.locator('svg.chart line, svg.chart polyline, svg.chart rect').count() > 0, 'the chart has marks');
  // Its numbers are in a table beside it: one row per day of the four weeks shown.
  await direction.getByText('Voir les chiffres par jour').click();
  assert.equal(await direction.getByRole('table', { name: 'Connexions par jour' }).locator('tbody tr').count(), 28);
  await checkPage(direction, 'direction indicators');
  assert.deepEqual(errors, [], 'no console error (a CSP violation would be one)');

  const rectorat = await newPage();
  const rectoratErrors = consoleErrors(rectorat);
  await signIn(rectorat, 'rectorat');
  await rectorat.getByRole('heading', { name: "Indicateurs de l'académie" }).waitFor();
  await rectorat.locator('svg.chart[role="img"]').first().waitFor();
  await screenshots(rectorat, 'rectorat-home');
  await checkPage(rectorat, 'rectorat indicators');
  assert.deepEqual(rectoratErrors, [], 'no console error (a CSP violation would be one)');
  // A suppressed cell reads "< 5", never a number.
  const suppressedOnPage = rectorat.locator('#cellules tr.suppressed');
  assert.ok(await suppressedOnPage.count() > 0, 'the demo has cells under 5 distinct users');
  assert.equal((await suppressedOnPage.first().locator('td').nth(3).textContent()).trim(), '< 5');

  const [download] = await Promise.all([
    rectorat.waitForEvent('download'),
    rectorat.getByRole('link', { name: 'Télécharger les indicateurs (CSV)' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^indicators-academie-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = parseCsv(readFileSync(await download.path(), 'utf8'));
  assert.match(csv.header, /^period,start,service,profile,suppressed,connections,distinct_users,reads(,actions\.[a-z_]+)*$/);
  const suppressed = csv.rows.filter((r) => r.suppressed === 'true');
  assert.ok(suppressed.length > 0, 'suppressed cells are in the CSV');
  for (const r of suppressed) {
    assert.deepEqual([r.connections, r.distinct_users, r.reads], ['', '', ''], `a suppressed cell has no numbers: ${JSON.stringify(r)}`);
  }
  for (const r of csv.rows.filter((row) => row.suppressed === 'false')) {
    assert.ok(Number(r.distinct_users) >= 5, `a published cell has at least 5 users: ${JSON.stringify(r)}`);
  }
  // The API marks them the same way: the same writer.
  const token = await apiLogin('rectorat');
  const url = new URL(download.url());
  const apiCsv = await (await fetch(`${env.base}/api/v1/indicators/academie${url.search}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/csv' },
  })).text();
  assert.equal(parseCsv(apiCsv).header, csv.header);
  await direction.context().close();
  await rectorat.context().close();
});

test('a sanction pronounced from the form: a refused field first (nothing appended), then valid; it is in the register and the audit', async () => {
  const page = await newPage();
  await signIn(page, 'claire.moreau');
  await page.goto(`${env.base}/direction/sanctions`);
  await checkPage(page, 'sanctions');
  const leaOption = page.locator('#pupil option', { hasText: 'MARTIN Léa' });
  const lea = await leaOption.getAttribute('value');
  await page.getByLabel('Élève').selectOption(lea);
  await page.getByLabel('Sanction', { exact: true }).selectOption('exclusion_temporaire_classe');
  await page.getByLabel('Motif').fill('Insolence répétée <em>en classe</em>');
  await page.getByLabel('Faits reprochés').fill('A refusé de quitter la salle après trois rappels.');
  const before = await head();
  await page.getByRole('button', { name: 'Prononcer la sanction' }).click();
  // The domain refuses an exclusion without its duration: the error is next to that field.
  const error = page.locator('#erreur-days');
  await error.waitFor();
  assert.match(await error.textContent(), /1 to 8 days/);
  assert.equal(await page.getByLabel("Durée d'exclusion (jours, 1 à 8)").getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel('Motif').inputValue(), 'Insolence répétée <em>en classe</em>', 'what was typed is kept');
  assert.equal(await head(), before, 'a refused sanction appends nothing');
  await checkPage(page, 'sanctions with an error');
  await screenshots(page, 'direction-sanctions-error');

  await page.getByLabel("Durée d'exclusion (jours, 1 à 8)").fill('2');
  await page.getByRole('button', { name: 'Prononcer la sanction' }).click();
  await page.waitForURL(/\/direction\/sanctions\?apres=/);
  const entry = page.locator('#registre li', { hasText: 'Insolence répétée <em>en classe</em>' });
  await entry.waitFor();
  assert.match(await entry.textContent(), /Léa Martin — Exclusion temporaire de la classe/);
  assert.match(await entry.textContent(), /2 jour\(s\)/);
  assert.equal(await head(), before + 1, 'one event appended');

  // The platform's audit view lists it (that it exists, not its content).
  const admin = await apiLogin('admin');
  const audit = await api(admin, `/api/v1/vie-scolaire/${UAI}/sanctions/audit`, before + 1);
  assert.ok(audit.sanctions.some((s) => s.pupil === lea && s.kind === 'exclusion_temporaire_classe'), JSON.stringify(audit));
  await page.context().close();
});

test('the direction publishes a class’s bulletins from the page', async () => {
  const page = await newPage();
  await signIn(page, 'claire.moreau');
  await page.goto(`${env.base}/direction/bulletins`);
  await checkPage(page, 'bulletin publication');
  await screenshots(page, 'direction-bulletins');
  assert.ok(await page.locator('.status-ok', { hasText: 'Publiés le' }).count() > 0, 'the demo published the first term');
  const button = page.getByRole('button', { name: /^Publier les bulletins de / }).first();
  const label = await button.textContent();
  const item = page.locator('li.publication', { has: page.getByRole('button', { name: label }) });
  const id = await item.getAttribute('id');
  const before = await head();
  await button.click();
  await page.waitForURL(/\/direction\/bulletins\?apres=/);
  await page.locator(`#${id} .status-ok`, { hasText: 'Publiés le' }).waitFor();
  assert.equal(await page.locator(`#${id} button`).count(), 0, 'published bulletins have no button any more');
  assert.equal(await head(), before + 1);
  await page.context().close();
});

test("the inspector reads a cahier de textes and visas it", async () => {
  const page = await newPage();
  await signIn(page, 'inspecteur');
  await page.getByRole('heading', { name: 'Cahiers de textes' }).waitFor();
  await screenshots(page, 'inspector-home');
  await checkPage(page, 'inspector home');
  await page.getByRole('link', { name: /^6A — / }).first().click();
  await page.getByRole('heading', { name: /^Cahier de textes : 6A/ }).waitFor();
  await checkPage(page, 'a cahier de textes');
  await screenshots(page, 'inspector-cahier');

  // A comment over 2,000 characters is refused by the domain, next to the field; nothing appended.
  const before = await head();
  await page.getByLabel('Observation (facultative)').fill('x'.repeat(2001));
  await page.getByRole('button', { name: 'Apposer le visa' }).click();
  await page.locator('#erreur-comment').waitFor();
  assert.equal(await head(), before);

  await page.getByLabel('Observation (facultative)').fill('Cahier tenu avec soin.');
  await page.getByRole('button', { name: 'Apposer le visa' }).click();
  await page.waitForURL(/\?apres=/);
  await page.locator('#visas li', { hasText: 'Cahier tenu avec soin.' }).waitFor();
  assert.equal(await head(), before + 1);
  await page.goto(`${env.base}/inspection`);
  await page.locator('.status-ok', { hasText: 'Visé le' }).first().waitFor();
  await page.context().close();
});

test('these pages refuse the other profiles with the 403 page', async () => {
  for (const [login, path] of [
    ['sophie.bernard', '/direction/sanctions'],
    ['karim.benali', '/direction/bulletins'],
    ['parent.martin', '/direction/indicateurs'],
    ['parent.martin', '/rectorat/indicateurs.csv'],
    ['claire.moreau', '/rectorat/indicateurs'],
    ['rectorat', '/inspection'],
    ['claire.moreau', '/inspection'],
  ]) {
    const page = await newPage();
    await signIn(page, login);
    const r = await page.goto(`${env.base}${path}`);
    assert.equal(r.status(), 403, `${login} ${path}`);
    await page.getByRole('heading', { name: 'Accès refusé' }).waitFor();
    await page.context().close();
  }
});
