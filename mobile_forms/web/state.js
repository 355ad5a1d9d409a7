/* What the form knows: the signed-in user and cached data, the survey being filled in (the
 * draft), the sign-in token and this phone's id. */

import { GPS_MAX_M } from './gps_accuracy.js';

const TOKEN_KEY = 'fieldsvc.token';
const DEVICE_KEY = 'fieldsvc.device';

export const state = {
  me: null, villages: null, bins: null, basemap: null, dataAt: null,
  authProblem: false, counts: { waiting: 0, failed: 0, sent: 0 },
};

/** The survey being filled in; replaced as a whole by ``newDraft`` (importers see the new one). */
export let draft = null;

export function newDraft() {
  draft = {
    photo: null, thumb: null, photoUrl: null, fix: null, bin: null, near: [],
    condition: null, stream: null, capacity: null, village: null,
    editing: false, replaces: null, fromItem: null,
  };
  return draft;
}

export function token() { return localStorage.getItem(TOKEN_KEY); }
export function setToken(tok) { localStorage.setItem(TOKEN_KEY, tok); }
export function dropToken() { localStorage.removeItem(TOKEN_KEY); }

export function deviceId() {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) { id = 'web:' + uuid().slice(0, 13); localStorage.setItem(DEVICE_KEY, id); }
  return id;
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The server's GPS accuracy limit, metres (gps_accuracy.js until /me has answered). */
export function gpsLimit() { return (state.me && state.me.settings.max_gps_accuracy_m) || GPS_MAX_M; }
/** Radius of the "already registered?" list, metres. */
export function nearRadius() { return (state.me && state.me.settings.nearby_radius_m) || 30; }
