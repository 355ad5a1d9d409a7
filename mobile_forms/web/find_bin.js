/* Finding the right bin, without a browser or a network (tested under tests/js/): how far to look
 * for registered bins around a fix, which registered codes look like a code that was typed, and a
 * fresh code for a new bin that a village head can write on it (village number + four digits). */

import { GPS_GOOD_M } from './gps_accuracy.js';

/** A fix this good (metres) is "good" (green): it tells one bin from the next. One number with
 * the GPS step and the Collect form (mobile_forms/gps_accuracy.json). */
export const GOOD_FIX_M = GPS_GOOD_M;

/** True when the fix is worse than "good": the bin may be any registered one around it. */
export function isPoorFix(accuracyM) {
  return !(Number.isFinite(accuracyM) && accuracyM <= GOOD_FIX_M);
}

/** Largest radius the server's nearby search takes, metres. */
export const MAX_NEARBY_RADIUS_M = 2000;

/**
 * Radius of the "already registered?" search around a fix, metres: the usual radius (30 m)
 * plus the fix's accuracy, since the bin can be anywhere in the fix's circle:
 * max(base, accuracy + base), at most the server's limit.
 */
export function nearbyRadiusM(accuracyM, baseM = 30) {
  const acc = Number.isFinite(accuracyM) && accuracyM > 0 ? accuracyM : 0;
  return Math.min(MAX_NEARBY_RADIUS_M, Math.ceil(Math.max(baseM, acc + baseM)));
}

const THAI_DIGITS = '๐๑๒๓๔๕๖๗๘๙';

/** A code as typed, for comparing: capitals, Arabic digits, no spaces, dashes or dots. */
export function plainCode(text) {
  return [...String(text || '').toUpperCase()]
    .map((c) => (THAI_DIGITS.includes(c) ? String(THAI_DIGITS.indexOf(c)) : c))
    .filter((c) => /[A-Z0-9]/.test(c))
    .join('');
}

// Characters people mix up when reading a hand-written or faded code.
const LOOK_ALIKE = { O: '0', Q: '0', D: '0', I: '1', L: '1', Z: '2', S: '5', B: '8', G: '6' };

/** ``plainCode`` with look-alike letters read as the digits they resemble. */
export function readAlike(text) {
  return [...plainCode(text)].map((c) => LOOK_ALIKE[c] || c).join('');
}

/** Edits between two strings: insert, delete, replace, or swap two neighbours (each counts 1). */
export function editDistance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The registered code that is the typed one written differently (case, spaces, dashes, Thai digits). */
export function sameCode(typed, codes) {
  const key = plainCode(typed);
  return key ? codes.find((c) => plainCode(c) === key) || null : null;
}

/**
 * Registered codes closest to a typed code that matched none, closest first (at most ``limit``):
 * look-alike letters (O/0, I/1, …) cost nothing, one wrong, missing, extra or swapped character
 * costs 1; a code further than a quarter of its length (at least 1, at most 2) is not offered.
 */
export function closestCodes(typed, codes, limit = 3) {
  const key = readAlike(typed);
  if (!key) return [];
  const found = [];
  for (const code of new Set(codes)) {
    const other = readAlike(code);
    const d = editDistance(key, other);
    const allowed = Math.min(2, Math.max(1, Math.floor(other.length / 4)));
    if (d <= allowed) found.push({ code, d });
  }
  found.sort((a, b) => a.d - b.d || a.code.localeCompare(b.code));
  return found.slice(0, limit).map((f) => f.code);
}

/** The village part of a new code: the village number, two digits at least ("07"). */
export function villagePrefix(villageNumber) {
  return String(villageNumber == null ? 0 : villageNumber).padStart(2, '0');
}

/**
 * A fresh code for a new bin: village number, dash, four digits ("07-0427"), none of ``taken``
 * (the codes on this phone: the register it holds and the bins waiting to be sent). Another
 * phone working offline may pick the same code; the server then keeps the survey and gives the
 * second bin a fresh code, and the phone shows it. ``random`` gives an integer 0–9999.
 */
export function newBinCode(villageNumber, taken, random) {
  const used = new Set([...taken].map(plainCode));
  const prefix = villagePrefix(villageNumber);
  for (let tries = 0; tries < 200; tries++) {
    const code = `${prefix}-${String(random() % 10000).padStart(4, '0')}`;
    if (!used.has(plainCode(code))) return code;
  }
  for (let n = 0; n < 10000; n++) { // a full village: the first free number
    const code = `${prefix}-${String(n).padStart(4, '0')}`;
    if (!used.has(plainCode(code))) return code;
  }
  return null;
}

/** True when ``code`` has the new shape (village number, dash, four digits). */
export function isVillageCode(code) {
  return /^\d{2,3}-\d{4}$/.test(String(code || ''));
}
