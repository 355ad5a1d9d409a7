/* The picture questions (condition, waste type by colour, size): drawn bins a person can tell
 * apart without reading, as big buttons. */

import { $, el } from './dom.js';
import { advance } from './nav.js';
import { draft } from './state.js';
import { fmtNum, t } from './words.js';

export const STREAM_COLOURS = { general: '#1565c0', organic: '#2e7d32', recyclable: '#f9c80e', hazardous: '#c62828' };
const STREAMS = ['general', 'organic', 'recyclable', 'hazardous'];
const SIZES = [[120, 'wheelie', 0.72], [240, 'wheelie', 1], [200, 'drum', 1], [660, 'container', 0.85], [1100, 'container', 1]];

function wheelie(fill, extra = '', scale = 1) {
  const s = scale;
  const o = 50 - 50 * s;
  return `<g transform="translate(${o} ${100 - 100 * s}) scale(${s})">`
    + `<rect x="38" y="6" width="24" height="7" rx="2" fill="#222"/>`
    + `<rect x="16" y="13" width="68" height="11" rx="3" fill="${fill}" stroke="#000" stroke-width="3"/>`
    + `<path d="M21 24H79L73 86H27Z" fill="${fill}" stroke="#000" stroke-width="3" stroke-linejoin="round"/>`
    + `<circle cx="30" cy="90" r="7" fill="#222"/><circle cx="70" cy="90" r="7" fill="#222"/>${extra}</g>`;
}

function drum(fill) {
  return `<path d="M22 18V84A28 8 0 0 0 78 84V18" fill="${fill}" stroke="#000" stroke-width="3"/>`
    + `<ellipse cx="50" cy="18" rx="28" ry="8" fill="${fill}" stroke="#000" stroke-width="3"/>`
    + `<path d="M22 42A28 8 0 0 0 78 42M22 64A28 8 0 0 0 78 64" fill="none" stroke="#000" stroke-width="2.5"/>`;
}

function container(fill, scale = 1) {
  const s = scale;
  return `<g transform="translate(${50 - 50 * s} ${100 - 100 * s}) scale(${s})">`
    + `<path d="M4 26H96L93 36H7Z" fill="${fill}" stroke="#000" stroke-width="3" stroke-linejoin="round"/>`
    + `<path d="M8 36H92L88 84H12Z" fill="${fill}" stroke="#000" stroke-width="3" stroke-linejoin="round"/>`
    + `<circle cx="20" cy="90" r="6" fill="#222"/><circle cx="80" cy="90" r="6" fill="#222"/></g>`;
}

const SYMBOLS = {
  general: '<path d="M38 44H62M40 56H60M42 68H58" stroke="#fff" stroke-width="5" stroke-linecap="round"/>',
  organic: '<path d="M50 74C34 66 36 44 60 38C64 56 60 70 50 74ZM50 74L46 82" fill="#fff" stroke="#fff" stroke-width="3"/>',
  recyclable: '<path d="M50 38L62 58H38Z" fill="none" stroke="#000" stroke-width="5" stroke-linejoin="round"/><path d="M44 70H56" stroke="#000" stroke-width="5"/>',
  hazardous: '<path d="M50 36L66 70H34Z" fill="#fff"/><path d="M50 47V59" stroke="#c62828" stroke-width="5" stroke-linecap="round"/><circle cx="50" cy="65" r="2.8" fill="#c62828"/>',
};

function svg(inner) {
  return `<svg viewBox="0 0 100 100" aria-hidden="true">${inner}</svg>`;
}

function conditionPicture(c, fill) {
  if (c === 'usable') return svg(wheelie(fill) + '<circle cx="76" cy="22" r="18" fill="#0a6b2f" stroke="#fff" stroke-width="3"/><path d="M67 22l6 6 12-13" fill="none" stroke="#fff" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"/>');
  if (c === 'damaged') return svg(wheelie(fill, '<path d="M44 26L36 46L52 54L40 84" fill="none" stroke="#000" stroke-width="4"/><path d="M62 30L70 40" stroke="#000" stroke-width="4"/>').replace('<circle cx="70" cy="90" r="7" fill="#222"/>', '') + '<circle cx="80" cy="22" r="16" fill="#e65100"/><path d="M80 13V25" stroke="#fff" stroke-width="5" stroke-linecap="round"/><circle cx="80" cy="31" r="3" fill="#fff"/>');
  if (c === 'missing') return svg('<path d="M21 24H79L73 86H27ZM16 13H84V24H16Z" fill="none" stroke="#555" stroke-width="3" stroke-dasharray="7 5"/><text x="50" y="70" font-size="44" font-weight="800" text-anchor="middle" fill="#b00020" font-family="sans-serif">?</text>');
  return svg(wheelie(fill).replace('<rect x="16" y="13" width="68" height="11" rx="3"', '<rect x="6" y="2" width="68" height="11" rx="3" transform="rotate(-25 16 13)"') + '<circle cx="36" cy="20" r="11" fill="#3e2723"/><circle cx="56" cy="16" r="13" fill="#424242"/><circle cx="70" cy="24" r="9" fill="#5d4037"/><circle cx="46" cy="8" r="8" fill="#6d4c41"/>');
}

export function conditionChoices() {
  const fill = STREAM_COLOURS[draft.stream] || '#607d8b';
  const list = ['usable', 'damaged', 'missing', 'overflowing'].filter((c) => !(c === 'missing' && draft.bin && draft.bin.isNew));
  return list.map((c) => ({ value: c, html: conditionPicture(c, fill), label: t('cond_' + c) }));
}

export function streamChoices() {
  return STREAMS.map((s) => ({ value: s, html: svg(wheelie(STREAM_COLOURS[s], SYMBOLS[s])), label: t('stream_' + s), sub: t('col_' + s) }));
}

export function sizeChoices() {
  const fill = STREAM_COLOURS[draft.stream] || '#607d8b';
  return SIZES.map(([litres, kind, scale]) => ({
    value: litres,
    html: svg(kind === 'wheelie' ? wheelie(fill, '', scale) : kind === 'drum' ? drum(fill) : container(fill, scale)),
    label: t('litres', { n: fmtNum(litres) }),
    sub: t('size_' + litres),
  }));
}

export function renderPick(boxId, choices, selected, onChoose) {
  const box = $(boxId);
  box.replaceChildren(...choices.map((c, i) => {
    const b = el('button', {
      type: 'button', 'data-value': c.value, 'aria-pressed': String(selected === c.value),
      class: choices.length % 2 === 1 && i === choices.length - 1 ? 'wide' : null,
      onclick: () => onChoose(c.value),
    });
    b.innerHTML = c.html;
    b.append(el('span', {}, c.label));
    if (c.sub) b.append(el('span', { class: 'sub' }, c.sub));
    return b;
  }));
}

export function chooseCondition(value) {
  draft.condition = value;
  if (draft.bin && draft.bin.isNew) return advance(draft.stream ? (draft.capacity ? 's-review' : 's-size') : 's-stream');
  // An existing bin: its colour and size are in the register already; review shows them.
  if (value === 'missing' || (draft.stream && draft.capacity)) return advance('s-review');
  advance(draft.stream ? 's-size' : 's-stream');
}

export function chooseStream(value) {
  draft.stream = value;
  advance(draft.capacity && !(draft.bin && draft.bin.isNew && !draft.editing) ? 's-review' : 's-size');
}

export function chooseSize(value) {
  draft.capacity = value;
  advance('s-review');
}
