// A teacher's pages in a real browser (see lib.mjs): the home with today's lessons, the roll call
// on a phone with the keyboard only (the parent is notified), the grade grid refused then fixed
// (nothing appended until it is valid), the cahier de textes, and every page checked with axe-core
// and at 375 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  env, start, stop, apiLogin, api, command, head, isoDay, newPage, signIn, checkPage, screenshots, PHONE,
} from './lib.mjs';

let teacher; // API token of sophie.bernard
let maths; // her assignment in 6A
let lesson; // a lesson of hers today, scheduled by the direction
let lea;
let parent;

before(async () => {
  await start();
  parent = await apiLogin('parent.martin');
  lea = (await api(parent, '/api/v1/me')).children[0].id;
  teacher = await apiLogin('sophie.bernard');
  const me = await api(teacher, '/api/v1/me');
  const classes = await api(teacher, '/api/v1/me/classes');
  maths = classes.find((a) => a.class_or_group_code === '6A');
  assert.ok(maths, `sophie.bernard teaches 6A: ${JSON.stringify(classes)}`);
  // The timetable is the direction's (ScheduleLesson): a maths lesson in 6A today.
  const direction = await apiLogin('claire.moreau');
  const scheduled = await command(direction, 'ScheduleLesson', {
    class_or_group: maths.class_or_group, subject: maths.subject_id, teacher: me.id,
    date: isoDay(new Date()), start: '10:00:00', end: '11:00:00', room: 'B12',
  });
  lesson = scheduled.created.lesson_id;
  await api(teacher, `/api/v1/teachers/${me.id}/lessons`, scheduled.position);
});

after(stop);

/** Presses Tab until the focused element matches `predicate(arg)` (at most 80 times). */
async function tabTo(page, predicate, what, arg = null) {
  for (let i = 0; i < 80; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(predicate, arg)) return;
  }
  assert.fail(`Tab never reached ${what}`);
}

test('a teacher takes the roll on a 375 px viewport with the keyboard only; the parent is notified', async () => {
  const page = await newPage(PHONE);
  await signIn(page, 'sophie.bernard');
  await page.getByText("Faire l'appel").first().waitFor();
  await checkPage(page, 'teacher home');
  await screenshots(page, 'teacher-home');

  // From here on, the keyboard only.
  await tabTo(page, () => document.activeElement?.textContent?.startsWith("Faire l'appel"), 'the roll call link');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${env.base}/enseignant/appel/${lesson}`);
  await checkPage(page, 'roll call');
  await screenshots(page, 'teacher-roll-call');

  const roll = await api(teacher, `/api/v1/lessons/${lesson}`);
  const pupils = roll.pupils.map((p) => p.pupil);
  assert.ok(pupils.length >= 3, 'a class to call');
  const leaRow = pupils.indexOf(lea);
  assert.ok(leaRow >= 0, 'Léa is on the roll');
  const lateRow = leaRow === 0 ? 1 : 0;
  const before = await head();

  await tabTo(page, () => document.activeElement?.id === 'present-0', "the first pupil's row");
  for (let i = 0; i < pupils.length; i += 1) {
    assert.equal(await page.evaluate(() => document.activeElement?.name), `status_${i}`, `Tab reaches row ${i}`);
    if (i === leaRow) {
      await page.keyboard.press('ArrowRight'); // Présent → Absent
    } else if (i === lateRow) {
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight'); // → Retard: the minutes field appears
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.id), `minutes-${i}`);
      await page.keyboard.press('9');
      await page.keyboard.press('0'); // 90 minutes in a one-hour lesson: refused by the domain
    }
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Enregistrer l'appel");
  await page.keyboard.press('Enter');
  // Refused: the error is on the late pupil's row, the choices are kept, nothing is appended.
  await page.locator(`#erreur-${lateRow}`).waitFor();
  assert.match(await page.locator(`#erreur-${lateRow}`).textContent(), /Minutes de retard/);
  assert.equal(await page.locator(`#absent-${leaRow}`).isChecked(), true);
  assert.equal(await page.locator(`#minutes-${lateRow}`).inputValue(), '90');
  assert.equal(await head(), before, 'nothing appended');
  await checkPage(page, 'roll call refused');
  await screenshots(page, 'teacher-roll-call-refused');

  // Fix the minutes with the keyboard, send once.
  await tabTo(page, (id) => document.activeElement?.id === id, 'the minutes field', `minutes-${lateRow}`);
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('5');
  await page.keyboard.press('Enter');
  await page.getByText('Appel fait').first().waitFor();
  assert.ok((await head()) > before, 'the roll call is recorded');

  const taken = await api(teacher, `/api/v1/lessons/${lesson}`);
  const mark = (id) => taken.pupils.find((p) => p.pupil === id).mark;
  assert.equal(mark(lea).status, 'absent');
  assert.deepEqual([mark(pupils[lateRow]).status, mark(pupils[lateRow]).minutes_late], ['late', 5]);
  assert.ok(taken.pupils.filter((p) => p.mark.status === 'present').length === pupils.length - 2);

  // The parent is told, through their own page.
  const notified = await api(parent, '/api/v1/notifications', await head());
  assert.ok(JSON.stringify(notified).includes(lesson), `the parent is notified: ${JSON.stringify(notified)}`);
  const parentPage = await newPage(PHONE);
  await signIn(parentPage, 'parent.martin');
  await parentPage.getByText(/absent\(e\) en Mathématiques/).first().waitFor();
});

test('a teacher enters a grid of grades with one invalid value: the error is shown next to the cell, the valid values are kept in the form, nothing is appended until the grid is valid', async () => {
  const page = await newPage();
  await signIn(page, 'sophie.bernard');
  await page.goto(`${env.base}/enseignant/notes/${maths.class_or_group}/${maths.subject_id}`);
  await checkPage(page, 'evaluations');
  await page.getByLabel('Titre').fill('Contrôle sur les angles');
  await page.getByRole('button', { name: 'Créer et saisir les notes' }).click();
  await page.waitForURL(/\/enseignant\/notes\/.+\/.+\/.+\/.+/);
  await checkPage(page, 'grade grid');

  await page.locator('#note-0').fill('12,5');
  await page.locator('#note-0').press('Enter'); // the grid's keyboard: Enter goes to the next pupil
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'note-1');
  await page.keyboard.type('25'); // out of a /20 scale: the domain refuses it
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'note-2');
  await page.keyboard.type('abs');
  const before = await head();
  await page.getByRole('button', { name: 'Enregistrer les notes' }).click();
  await page.locator('#erreur-note-1').waitFor();
  assert.equal(await page.locator('#note-1').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#erreur-note-0').count(), 0, 'no error on a valid cell');
  assert.deepEqual(
    [await page.locator('#note-0').inputValue(), await page.locator('#note-1').inputValue(), await page.locator('#note-2').inputValue()],
    ['12,5', '25', 'abs'],
    'every value typed is kept',
  );
  assert.equal(await head(), before, 'nothing appended while the grid is refused');
  await checkPage(page, 'grade grid refused');
  await screenshots(page, 'teacher-grade-grid-refused');

  await page.locator('#note-1').fill('15');
  await page.getByRole('button', { name: 'Enregistrer les notes' }).click();
  await page.getByText('Abs', { exact: true }).waitFor();
  assert.ok((await head()) > before, 'the grid is recorded');
  const marks = await page.locator('.grade-grid .mark').allTextContents();
  assert.deepEqual(marks.slice(0, 3), ['12,5', '15', 'Abs']);
});

test('a cell that is neither a number nor a status is refused by the portal, named, and nothing is sent', async () => {
  const page = await newPage();
  await signIn(page, 'sophie.bernard');
  await page.goto(`${env.base}/enseignant/notes/${maths.class_or_group}/${maths.subject_id}`);
  await page.getByLabel('Titre').fill('Calcul mental');
  await page.getByRole('button', { name: 'Créer et saisir les notes' }).click();
  await page.waitForURL(/\/enseignant\/notes\/.+\/.+\/.+\/.+/);
  await page.locator('#note-0').fill('14');
  await page.locator('#note-1').fill('abc');
  await page.locator('#note-2').fill('Disp');
  const before = await head();
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Enregistrer les notes' }).click(),
  ]);
  assert.equal(response.status(), 422);
  await page.locator('#erreur-note-1').waitFor();
  assert.deepEqual(
    [await page.locator('#note-0').inputValue(), await page.locator('#note-1').inputValue(), await page.locator('#note-2').inputValue()],
    ['14', 'abc', 'Disp'],
  );
  assert.equal(await head(), before, 'nothing appended');
});

test('a teacher logs a lesson and gives homework in the cahier de textes; a title with markup shows as text', async () => {
  const page = await newPage();
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs += 1; await d.dismiss(); });
  await signIn(page, 'sophie.bernard');
  await page.goto(`${env.base}/`);
  await page.getByRole('link', { name: /Cahier de textes de 6A/ }).click();
  await page.waitForURL(`${env.base}/enseignant/cahier/${maths.class_or_group}/${maths.subject_id}`);
  await checkPage(page, 'cahier de textes');

  await page.getByLabel('Titre').fill('<script>alert(1)</script>');
  await page.getByLabel('Contenu').fill('Triangles et angles.');
  await page.getByRole('button', { name: 'Consigner la séance' }).click();
  await page.getByText('<script>alert(1)</script>', { exact: true }).waitFor();
  assert.equal(dialogs, 0, 'no script ran');

  // Homework without a description: refused by the domain, the error next to the field.
  const before = await head();
  const due = isoDay(new Date(Date.now() + 2 * 86_400_000));
  await page.getByLabel('Pour le').fill(due);
  await page.getByRole('button', { name: 'Donner le travail' }).click();
  await page.locator('#erreur-devoir-consigne').waitFor();
  assert.equal(await page.getByLabel('Pour le').inputValue(), due, 'the date typed is kept');
  assert.equal(await head(), before, 'nothing appended');
  await checkPage(page, 'cahier de textes refused');

  await page.getByLabel('Consigne', { exact: true }).fill('Exercices 3 et 4 page 52');
  await page.getByRole('button', { name: 'Donner le travail' }).click();
  await page.getByText('Exercices 3 et 4 page 52').waitFor();
  assert.ok((await head()) > before);
  // The pupils see it.
  const pupil = await apiLogin('lea.martin');
  const todo = await api(pupil, `/api/v1/pupils/${lea}/homework?from=${isoDay(new Date())}`, await head());
  assert.ok(todo.some((h) => h.description === 'Exercices 3 et 4 page 52'));
});

test("every teacher page passes axe-core and fits a phone; another teacher's roll call is refused", async () => {
  const page = await newPage();
  await signIn(page, 'sophie.bernard');
  await page.goto(`${env.base}/?date=2026-11-23`);
  await checkPage(page, 'teacher home, 2026-11-23');
  await screenshots(page, 'teacher-home-2026-11-23');
  await page.goto(`${env.base}/enseignant/cahier/${maths.class_or_group}/${maths.subject_id}`);
  await checkPage(page, 'cahier de textes');
  await screenshots(page, 'teacher-cahier');
  await page.goto(`${env.base}/enseignant/notes/${maths.class_or_group}/${maths.subject_id}`);
  await checkPage(page, 'evaluations');
  await screenshots(page, 'teacher-evaluations');
  const grid = await page.locator('.items a').first().getAttribute('href');
  await page.goto(`${env.base}${grid}`);
  await checkPage(page, 'grade grid');
  await screenshots(page, 'teacher-grade-grid');

  // Another teacher may not take this lesson's roll call: the 403 page, no pupil's name.
  const other = await newPage();
  await signIn(other, 'julien.petit');
  const r = await other.goto(`${env.base}/enseignant/appel/${lesson}`);
  assert.equal(r.status(), 403);
  await checkPage(other, '403 page');
  const roll = await api(teacher, `/api/v1/lessons/${lesson}`);
  const body = await other.content();
  assert.ok(!roll.pupils.some((p) => body.includes(p.display_name)), 'no pupil shown');
  // Nor open her grades or her cahier de textes.
  for (const path of [`/enseignant/notes/${maths.class_or_group}/${maths.subject_id}`, `/enseignant/cahier/${maths.class_or_group}/${maths.subject_id}`]) {
    const refused = await other.goto(`${env.base}${path}`);
    assert.equal(refused.status(), 403, path);
    const html = await other.content();
    assert.ok(!roll.pupils.some((p) => html.includes(p.display_name)), `${path}: no pupil shown`);
  }
});
