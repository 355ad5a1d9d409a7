/* The server: JSON requests to /api/v1 with the sign-in token, and the page's send queue
 * (send_queue.js over IndexedDB and these requests). */

import { createSendQueue } from './send_queue.js';
import { token } from './state.js';
import { queueStore } from './store.js';

const API = '/api/v1';

/** The session's CSRF token (a cookie set at sign-in), sent with requests the cookie signs in. */
export function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)fieldsvc_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : '';
}

/** fetch(API + path) with the token, no HTTP cache, and a time limit (slow 3G is common). */
export async function api(path, opts = {}, timeoutMs = 20000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const headers = Object.assign({ Accept: 'application/json' }, opts.headers || {});
  const tok = token();
  if (tok) headers.Authorization = 'Bearer ' + tok;
  else if (csrfToken()) headers['X-CSRF-Token'] = csrfToken();  // signed in by the session cookie
  try {
    return await fetch(API + path, Object.assign({}, opts, { headers, signal: controller.signal, cache: 'no-store' }));
  } finally {
    clearTimeout(timer);
  }
}

/** What the screens do when the queue moves on; app.js fills these in at start. */
export const outboxEvents = {
  progress: async () => {},
  authProblem: () => {},
  sent: () => {},
};

/** The surveys saved on this phone and their sending. */
export const outbox = createSendQueue({
  store: queueStore,
  request: api,
  isOnline: () => navigator.onLine,
  // One sender across tabs of the same phone.
  lock: navigator.locks ? (run) => navigator.locks.request('fieldsvc-send', run) : undefined,
  onProgress: () => outboxEvents.progress(),
  onAuthProblem: () => outboxEvents.authProblem(),
  onSent: () => outboxEvents.sent(),
});
