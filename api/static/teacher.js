// The grade grid's keyboard: Enter or arrow down moves to the next pupil's cell, arrow up to the
// previous one; Enter on the last cell submits. The grid works without this file.
document.addEventListener('keydown', (event) => {
  const cell = event.target;
  if (!(cell instanceof HTMLInputElement) || !cell.classList.contains('grade-cell')) return;
  const cells = Array.from(cell.form.querySelectorAll('input.grade-cell'));
  const i = cells.indexOf(cell);
  let next = null;
  if (event.key === 'ArrowDown' || (event.key === 'Enter' && i < cells.length - 1)) next = cells[i + 1];
  else if (event.key === 'ArrowUp') next = cells[i - 1];
  else return;
  event.preventDefault();
  if (next) { next.focus(); next.select(); }
});
