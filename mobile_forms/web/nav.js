/* Screens and the back button: a stack of screen ids mirrored in the browser history, so the
 * phone's own back button steps back through the questions. */

import { $ } from './dom.js';
import { draft } from './state.js';

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

export function render(id) {
  for (const s of document.querySelectorAll('.screen')) s.hidden = s.id !== id;
  const signedIn = id !== 's-login';
  $('btn-queue').hidden = !signedIn;
  $('btn-back').hidden = stack.length < 2;
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

/* After a choice: on a first pass go to the next question; when changing from review, back to it. */
export function advance(next) {
  if (draft.editing) {
    while (stack.length > 1 && current() !== 's-review') stack.pop();
    history.replaceState({ depth: stack.length }, '');
    return render('s-review');
  }
  go(next);
}
