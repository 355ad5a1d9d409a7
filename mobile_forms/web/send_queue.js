/* The send queue: saved surveys wait here until the server has them, exactly once.
 *
 * A survey gets its submission_id when it is saved, and its JSON text is fixed then too: every
 * retry sends the same bytes, so a retry after a lost answer is recognised by the server and
 * makes no second copy. The photo goes second (PUT), once the JSON is in. Each item is
 * 'waiting' (with a note: network, server or auth), 'failed' (the server refused it; its
 * message is kept so the user can fix the survey and send a new one) or 'sent'.
 *
 * No browser here: storage and the network come in as parameters (IndexedDB and fetch in the
 * page, a small in-memory store and a fake server in tests/js/).
 */

export const RETRY_FIRST_MS = 5000;
export const RETRY_MAX_MS = 5 * 60 * 1000;
export const KEEP_SENT_DAYS = 45;

/** The next wait before a retry: first 5 s, doubled after each run with trouble, at most 5 min. */
export function nextRetryDelay(previousMs, trouble) {
  if (!trouble) return RETRY_FIRST_MS;
  return Math.min(RETRY_MAX_MS, previousMs ? previousMs * 2 : RETRY_FIRST_MS);
}

/** A new queue item for a survey; ``body`` is frozen into the JSON text sent on every try. */
export function queueItem({ body, photoName = null, photo = null, thumb = null, summary, savedAt }) {
  return {
    id: body.submission_id,
    body: JSON.stringify(body), // sent byte for byte on every retry
    photoName, photo, thumb,
    state: 'waiting', stage: 'json', savedAt, attempts: 0,
    summary,
  };
}

/** The server's error of a refused request: its code and its Thai and English messages. */
export async function errorOf(res) {
  try {
    const body = await res.json();
    if (body && body.error) return Object.assign({ status: res.status }, body.error);
  } catch (e) { /* not JSON */ }
  return { status: res.status, code: 'http_' + res.status, message: res.statusText, message_th: null };
}

/** How many items are waiting, failed and sent. */
export function countStates(items) {
  const counts = { waiting: 0, failed: 0, sent: 0 };
  for (const i of items) counts[i.state] += 1;
  return counts;
}

/* Worth trying again later: the server is down or busy, or the request timed out. */
function isTransient(status) {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * The queue over ``store`` ({all, get, put, delete}, async) sending with
 * ``request(path, options, timeoutMs)`` (a fetch that adds the API prefix and the token).
 *
 * Hooks: ``onProgress`` after each item is tried (redraw), ``onAuthProblem`` on a 401,
 * ``onSent`` after a run that delivered something. ``lock(run)`` keeps two tabs from sending at
 * once (navigator.locks in the page). Clock, randomness and timers are parameters for tests.
 */
export function createSendQueue({
  store,
  request,
  isOnline = () => true,
  now = () => Date.now(),
  random = Math.random,
  setTimer = setTimeout,
  clearTimer = clearTimeout,
  lock = (run) => run(),
  onProgress = async () => {},
  onAuthProblem = () => {},
  onSent = () => {},
}) {
  let sending = null;
  let retryTimer = null;
  let retryDelay = 0;

  /** Send what is waiting; a call while a run is going joins that run instead of starting one. */
  function send() {
    if (!sending) {
      sending = Promise.resolve(lock(sendWaiting)).finally(() => { sending = null; });
    }
    return sending;
  }

  /** Send at once (the user asked, the signal came back): the backoff starts over. */
  function sendNow() {
    retryDelay = 0;
    return send();
  }

  async function sendWaiting() {
    const waiting = (await store.all()).filter((i) => i.state === 'waiting').sort((a, b) => a.savedAt - b.savedAt);
    let trouble = false;
    let sentAny = false;
    if (isOnline()) {
      for (const item of waiting) {
        const outcome = await sendOne(item);
        await onProgress();
        if (outcome === 'sent') sentAny = true;
        if (outcome === 'retry' || outcome === 'auth') { trouble = true; break; }
      }
    } else if (waiting.length) {
      trouble = true;
    }
    clearTimer(retryTimer);
    retryTimer = null;
    const left = (await store.all()).some((i) => i.state === 'waiting');
    if (left) {
      retryDelay = nextRetryDelay(retryDelay, trouble);
      // ±20 % so that phones that lost the signal together do not all come back at once.
      retryTimer = setTimer(send, retryDelay * (0.8 + random() * 0.4));
    } else {
      retryDelay = 0;
    }
    if (sentAny) onSent();
  }

  async function sendOne(item) {
    try {
      if (item.stage === 'json') {
        const res = await request('/submissions', {
          method: 'POST', body: item.body, headers: { 'Content-Type': 'application/json' },
        }, 30000);
        if (!res.ok) return await notSent(item, res);
        const out = await res.json();
        item.serverId = out.id;
        item.received = true;
        item.flags = (out.flags || []).map((f) => ({ th: f.message_th, en: f.message_en, severity: f.severity }));
        // Another phone had drawn this new bin's code first: the server gave it a fresh one.
        const fresh = (out.flags || []).find((f) => f.code === 'bin_code_reassigned');
        if (fresh && fresh.details) item.newCode = fresh.details.bin_code;
        const photoThere = (out.attachments || []).some((a) => a.name === item.photoName && a.received);
        item.stage = item.photoName && item.photo && !photoThere ? 'photo' : 'done';
        item.note = null;
        await store.put(item);
      }
      if (item.stage === 'photo') {
        const url = `/submissions/${encodeURIComponent(item.id)}/attachments/${encodeURIComponent(item.photoName)}`;
        const res = await request(url, { method: 'PUT', body: item.photo, headers: { 'Content-Type': 'image/jpeg' } }, 60000);
        if (!res.ok) return await notSent(item, res);
        // A photo the server cannot open is kept there; the survey counts. Say so on the phone.
        const kept = await res.json().catch(() => ({}));
        item.notice = kept.notice_th ? { th: kept.notice_th, en: kept.notice_en } : null;
        item.stage = 'done';
      }
      item.state = 'sent';
      item.sentAt = now();
      item.photo = null; // the server has it; the thumbnail stays
      item.error = null;
      item.note = null;
      await store.put(item);
      return 'sent';
    } catch (e) {
      item.attempts = (item.attempts || 0) + 1;
      item.note = 'network';
      await store.put(item);
      return 'retry';
    }
  }

  async function notSent(item, res) {
    item.attempts = (item.attempts || 0) + 1;
    if (res.status === 401) {
      item.note = 'auth';
      await store.put(item);
      onAuthProblem();
      return 'auth';
    }
    if (isTransient(res.status)) {
      item.note = 'server';
      await store.put(item);
      return 'retry';
    }
    item.state = 'failed';
    item.error = await errorOf(res);
    item.note = null;
    await store.put(item);
    return 'failed';
  }

  /** Keep a new item; a fixed survey takes the place of the one it corrects (``replacing``). */
  async function save(item, { replacing = null } = {}) {
    await store.put(item);
    if (replacing && replacing !== item.id) await store.delete(replacing);
  }

  /** Forget sent items older than KEEP_SENT_DAYS (the phone's storage is small). */
  async function dropOldSent() {
    const cutoff = now() - KEEP_SENT_DAYS * 24 * 3600 * 1000;
    for (const item of await store.all()) if (item.state === 'sent' && item.sentAt < cutoff) await store.delete(item.id);
  }

  return {
    send,
    sendNow,
    save,
    dropOldSent,
    all: () => store.all(),
    get: (id) => store.get(id),
    remove: (id) => store.delete(id),
    /** The wait chosen after the last run (0 when nothing is left), before jitter. */
    get retryDelay() { return retryDelay; },
  };
}
