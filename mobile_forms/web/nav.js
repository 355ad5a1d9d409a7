/* Screens and the back button: a stack of screen ids mirrored in the browser history, so the
 * phone's own back button steps back through the questions. */

import { $ } from './dom.js';
import { draft } from './state.js';
import { t } from './words.js';

let stack = [];
let enterHooks = {};
let overlayClose = {};

/**
 * What to do on entering each screen (``enter``: id → function), and how to close an overlay
 * screen that has no history entry of its own (``overlays``: id → function).
 */
export function defineScreens(enter, overlays) {
  enterHooks = enter;
  overlayClose = overlays;
}

export function current() { return stack[stack.length - 1]; }

/**
 * The question screens this survey goes through, in order. Colour and size are asked of a new
 * bin, and of a registered bin only when the register lacks them (never of a missing one);
 * ``known`` is false while the bin is not chosen yet (the count after step 3 is not known).
 */
export function surveySteps() {
  const bin = draft && draft.bin;
  // a bin chosen from the due list skips "which bin"
  const steps = bin && bin.fromDue ? ['s-photo', 's-gps', 's-condition'] : ['s-photo', 's-gps', 's-bin', 's-condition'];
  if (bin && (bin.isNew || draft.condition !== 'missing')) {
    if (bin.isNew || !bin.stream) steps.push('s-stream');
    if (bin.isNew || !bin.capacity) steps.push('s-size');
  }
  steps.push('s-review');
  return { steps, known: !!bin };
}

function stepLabel(id) {
  const { steps, known } = surveySteps();
  const n = steps.indexOf(id) + 1;
  if (!n) return '';
  return known ? t('step_of', { n, total: steps.length }) : t('step', { n });
}

export function render(id) {
  for (const s of document.querySelectorAll('.screen')) s.hidden = s.id !== id;
  const screen = $(id);
  const inSurvey = !!(screen && screen.classList.contains('step'));
  const signedIn = id !== 's-login';
  // On a question screen the bar holds back and cancel only, far apart; the queue waits.
  $('btn-queue').hidden = !signedIn || inSurvey;
  $('btn-cancel').hidden = !inSurvey;
  $('btn-back').hidden = stack.length < 2;
  const stepno = screen && screen.querySelector('.stepno');
  if (stepno) stepno.textContent = stepLabel(id);
  document.documentElement.dataset.screen = id.slice(2);
  window.scrollTo(0, 0);
  const enter = enterHooks[id];
  if (enter) enter();
}

export function go(id, opts) {
  if (current() === id) return render(id);
  stack.push(id);
  if (!(opts && opts.overlay)) history.pushState({ depth: stack.length }, '');
  render(id);
}

export function reset(id) {
  stack = [id];
  history.replaceState({ depth: 1 }, '');
  render(id);
}

/** Start a new walk from the home screen: the next ``go`` opens above home (nothing rendered). */
export function fromHome() {
  stack = ['s-home'];
  history.replaceState({ depth: 1 }, '');
}

/** Close the overlay ``id`` if it is on top, showing the screen below it. */
export function leaveOverlay(id) {
  if (current() === id) { stack.pop(); render(current()); }
}

export function back() {
  const close = overlayClose[current()];
  if (close) return close(); // an overlay, not a history entry
  if (stack.length > 1) history.back();
}

window.addEventListener('popstate', () => {
  if (stack.length > 1) {
    const close = overlayClose[current()];
    if (close) close();
    if (stack.length > 1) stack.pop();
    render(current());
  }
});

/** Whether leaving now would lose something the user chose or took (a GPS fix alone is not). */
export function draftHasAnswers() {
  return !!(draft && (draft.photo || draft.bin || draft.condition || draft.stream || draft.capacity || draft.village));
}

/**
 * Cancel the survey: after a confirm when answers would be lost, back to the home screen.
 * Nothing is kept; a saved survey being fixed stays as it was in the queue.
 */
export function cancelSurvey(onLeave) {
  if (draftHasAnswers() && !confirm(t('cancel_confirm'))) return;
  if (onLeave) onLeave();
  reset('s-home');
}

/* After a choice: on a first pass go to the next question; when changing from review, back to it. */
export function advance(next) {
  if (draft.editing) {
    while (stack.length > 1 && current() !== 's-review') stack.pop();
    history.replaceState({ depth: stack.length }, '');
    return render('s-review');
  }
  go(next);
}
