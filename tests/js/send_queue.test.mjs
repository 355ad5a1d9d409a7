// The phone form's send queue (mobile_forms/web/send_queue.js) without a browser: an in-memory
// store stands in for IndexedDB and a small fake server for /api/v1. Run: node --test tests/js/
// (Node >= 20.19 reads the form's .js files as ES modules by their syntax).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  countStates, createSendQueue, errorOf, KEEP_SENT_DAYS, nextRetryDelay, queueItem, RETRY_FIRST_MS, RETRY_MAX_MS,
} from '../../mobile_forms/web/send_queue.js';

const DAY_MS = 24 * 3600 * 1000;
const PHOTO = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
/** Bytes the fake server, like the real one, keeps but cannot open as a picture. */
const UNREADABLE_PHOTO = new Uint8Array([0xff, 0xd8, 0xff]);

/** IndexedDB's contract in a Map: what goes in and comes out is a copy. */
function memoryStore() {
  const items = new Map();
  return {
    items,
    all: async () => [...items.values()].map((i) => structuredClone(i)),
    get: async (id) => (items.has(id) ? structuredClone(items.get(id)) : undefined),
    put: async (item) => { items.set(item.id, structuredClone(item)); },
    delete: async (id) => { items.delete(id); },
  };
}

function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function refusal(status, code, message, messageTh) {
  return json(status, { error: { code, message, message_th: messageTh, field: null, details: {} } });
}

/**
 * /api/v1 as the phone sees it: POST /submissions keeps a survey once per submission_id (the
 * same JSON again is answered as before; other JSON under a held id is a 409), and PUT
 * .../attachments/{name} stores the photo. ``trouble`` takes one planned mishap per request.
 */
function fakeServer() {
  const held = new Map(); // submission_id → the JSON text received
  const photos = new Map(); // submission_id → bytes
  const calls = [];
  const trouble = [];
  let nextId = 1;
  const ids = new Map();

  async function request(path, opts = {}) {
    const method = opts.method || 'GET';
    calls.push({ method, path, body: opts.body });
    const plan = trouble.shift();
    if (plan === 'offline') throw new TypeError('Failed to fetch');
    if (typeof plan === 'number') return json(plan, { error: { code: 'busy', message: 'busy', message_th: null } });
    if (plan instanceof Response) return plan;
    const answer = handle(method, path, opts.body);
    if (plan === 'lose-answer') throw new TypeError('network connection was lost'); // kept, answer lost
    return answer;
  }

  function handle(method, path, body) {
    if (method === 'POST' && path === '/submissions') {
      const survey = JSON.parse(body);
      const id = survey.submission_id;
      if (held.has(id) && held.get(id) !== body) {
        return refusal(409, 'submission_conflict', 'This submission_id was already used for a different survey',
          'รหัสแบบสำรวจนี้ถูกใช้กับข้อมูลอื่นแล้ว');
      }
      const fresh = !held.has(id);
      held.set(id, body);
      if (!ids.has(id)) ids.set(id, nextId++);
      const attachments = survey.photos.map((name) => ({ name, received: photos.has(id) }));
      const flags = survey.capacity_l > 1000
        ? [{ code: 'large_bin', message_en: 'Large bin', message_th: 'ถังใหญ่', severity: 'note' }]
        : [];
      if (survey.code_made_on_phone && survey.bin_code === '01-0427') { // another bin has it
        flags.push({ code: 'bin_code_reassigned', message_en: 'new code', message_th: 'รหัสใหม่', severity: 'review',
          details: { value: '01-0427', bin_code: '01-0815' } });
      }
      return json(fresh ? 201 : 200, { id: ids.get(id), flags, attachments });
    }
    const m = path.match(/^\/submissions\/([^/]+)\/attachments\/([^/]+)$/);
    if (method === 'PUT' && m) {
      photos.set(decodeURIComponent(m[1]), body);
      const unreadable = body.length === UNREADABLE_PHOTO.length; // kept, survey received
      return json(200, { name: decodeURIComponent(m[2]), received: true, readable: !unreadable,
        notice_th: unreadable ? 'รูปเปิดไม่ได้' : null, notice_en: unreadable ? 'Photo cannot be opened' : null });
    }
    return json(404, { error: { code: 'not_found', message: 'no route', message_th: null } });
  }

  return {
    request, held, photos, calls, trouble,
    posts: (id) => calls.filter((c) => c.method === 'POST' && (!id || JSON.parse(c.body).submission_id === id)),
    puts: (id) => calls.filter((c) => c.method === 'PUT' && (!id || c.path.includes(id))),
  };
}

/** A queue over fresh fakes; the retry timer is recorded, not run (a test fires it by hand). */
function setUp({ online = true, random = () => 0.5 } = {}) {
  const store = memoryStore();
  const server = fakeServer();
  const clock = { now: Date.UTC(2026, 11, 2, 1, 0) };
  const timers = [];
  const events = { progress: 0, auth: 0, sent: 0 };
  const net = { online };
  const queue = createSendQueue({
    store,
    request: server.request,
    isOnline: () => net.online,
    now: () => clock.now,
    random,
    setTimer: (fn, ms) => { const t = { fn, ms, cleared: false }; timers.push(t); return t; },
    clearTimer: (t) => { if (t) t.cleared = true; },
    onProgress: async () => { events.progress += 1; },
    onAuthProblem: () => { events.auth += 1; },
    onSent: () => { events.sent += 1; },
  });
  const pending = () => timers.filter((t) => !t.cleared);
  /** Fire the one retry timer that is set, as the page's setTimeout would, and wait for the run. */
  const fireRetry = async () => {
    const live = pending();
    assert.equal(live.length, 1, 'one retry timer is set');
    live[0].cleared = true;
    await live[0].fn();
  };
  return { store, server, clock, timers, events, net, queue, pending, fireRetry };
}

let counter = 0;

function survey({ photo = true, savedAt = 1000, ...fields } = {}) {
  counter += 1;
  const id = `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  const photoName = photo ? `bin-${id.slice(0, 8)}.jpg` : null;
  const body = {
    submission_id: id, form_id: 'bin_survey', form_version: 'web-1', bin_code: `N1-T${counter}`,
    village: 1, location: { lat: 16.302, lon: 103.302, accuracy_m: 4.5 }, condition: 'usable',
    capacity_l: 240, stream: 'general', observed_at: '2026-12-02T01:00:00.000Z', device_id: 'web:test',
    photos: photoName ? [photoName] : [], ...fields,
  };
  return queueItem({
    body, photoName, photo: photo ? PHOTO : null, thumb: null, savedAt,
    summary: { code: body.bin_code, isNew: true, condition: body.condition },
  });
}

async function stored(store, id) {
  return store.get(id);
}

describe('saving', () => {
  test('a saved survey keeps the submission_id and the exact JSON text it was saved with', () => {
    const item = survey();
    assert.equal(item.state, 'waiting');
    assert.equal(item.stage, 'json');
    assert.equal(item.attempts, 0);
    assert.equal(typeof item.body, 'string');
    assert.equal(JSON.parse(item.body).submission_id, item.id);
  });

  test('a fixed survey takes the place of the one it corrects', async () => {
    const { store, queue } = setUp();
    const first = survey();
    const fixed = survey();
    await queue.save(first);
    await queue.save(fixed, { replacing: first.id });
    assert.deepEqual([...store.items.keys()], [fixed.id]);
  });
});

describe('sending exactly once', () => {
  test('the JSON goes first, byte for byte, then the photo; the item is sent', async () => {
    const { store, server, clock, queue, events, pending } = setUp();
    const item = survey();
    await queue.save(item);
    await queue.send();
    assert.deepEqual(server.calls.map((c) => [c.method, c.path]), [
      ['POST', '/submissions'],
      ['PUT', `/submissions/${item.id}/attachments/${item.photoName}`],
    ]);
    assert.equal(server.calls[0].body, item.body);
    assert.deepEqual(server.photos.get(item.id), PHOTO);
    const after = await stored(store, item.id);
    assert.equal(after.state, 'sent');
    assert.equal(after.stage, 'done');
    assert.equal(after.sentAt, clock.now);
    assert.equal(after.photo, null, 'the photo is dropped once the server has it');
    assert.equal(after.received, true);
    assert.equal(after.serverId, 1);
    assert.deepEqual(pending(), [], 'nothing left: no retry');
    assert.equal(queue.retryDelay, 0);
    assert.deepEqual(events, { progress: 1, auth: 0, sent: 1 });
  });

  test('items go in the order they were saved', async () => {
    const { server, queue } = setUp();
    const late = survey({ savedAt: 3000, photo: false });
    const early = survey({ savedAt: 1000, photo: false });
    const middle = survey({ savedAt: 2000, photo: false });
    for (const item of [late, early, middle]) await queue.save(item);
    await queue.send();
    assert.deepEqual(server.posts().map((c) => JSON.parse(c.body).submission_id), [early.id, middle.id, late.id]);
  });

  test('duplicate triggers while sending join the same run: each survey is posted once', async () => {
    const { server, queue } = setUp();
    const items = [survey({ savedAt: 1 }), survey({ savedAt: 2 }), survey({ savedAt: 3 })];
    for (const item of items) await queue.save(item);
    const runs = [queue.send(), queue.sendNow(), queue.send(), queue.sendNow()];
    assert.ok(runs.every((r) => r === runs[0]), 'one run, shared');
    await Promise.all(runs);
    await queue.send(); // a later trigger finds nothing waiting
    for (const item of items) {
      assert.equal(server.posts(item.id).length, 1, item.id);
      assert.equal(server.puts(item.id).length, 1, item.id);
    }
    assert.equal(server.held.size, 3);
  });

  test('a lost answer is retried with the same bytes and the server keeps one copy', async () => {
    const { store, server, queue, pending, fireRetry, events } = setUp();
    const item = survey();
    await queue.save(item);
    server.trouble.push('lose-answer'); // the server keeps it; the phone sees a broken connection
    await queue.send();
    let now = await stored(store, item.id);
    assert.equal(now.state, 'waiting');
    assert.equal(now.note, 'network');
    assert.equal(now.attempts, 1);
    assert.equal(server.held.size, 1);
    assert.equal(pending().length, 1);
    assert.equal(events.sent, 0);

    await fireRetry();
    now = await stored(store, item.id);
    assert.equal(now.state, 'sent');
    const posts = server.posts(item.id);
    assert.equal(posts.length, 2);
    assert.equal(posts[1].body, posts[0].body, 'the retry sends the saved text unchanged');
    assert.equal(posts[1].body, item.body);
    assert.equal(server.held.size, 1, 'one survey on the server');
    assert.equal(server.puts(item.id).length, 1, 'one photo upload');
  });

  test('a photo upload that fails after the JSON arrived retries only the photo', async () => {
    const { store, server, queue, fireRetry } = setUp();
    const item = survey();
    await queue.save(item);
    server.trouble.push(undefined, 503); // POST fine, PUT refused for now
    await queue.send();
    let now = await stored(store, item.id);
    assert.equal(now.state, 'waiting');
    assert.equal(now.stage, 'photo');
    assert.equal(now.note, 'server');
    await fireRetry();
    now = await stored(store, item.id);
    assert.equal(now.state, 'sent');
    assert.equal(server.posts(item.id).length, 1, 'the JSON was not posted again');
    assert.equal(server.puts(item.id).length, 2);
  });

  test('a photo the server already has is not uploaded again', async () => {
    const { store, server, queue } = setUp();
    const item = survey();
    server.photos.set(item.id, PHOTO); // e.g. arrived by another path before
    await queue.save(item);
    await queue.send();
    assert.equal(server.puts(item.id).length, 0);
    assert.equal((await stored(store, item.id)).state, 'sent');
  });

  test('a photo the server could not open is sent, and the phone says so', async () => {
    const { store, queue } = setUp();
    const item = survey();
    item.photo = UNREADABLE_PHOTO;
    await queue.save(item);
    await queue.send();
    const sent = await stored(store, item.id);
    assert.equal(sent.state, 'sent');
    assert.deepEqual(sent.notice, { th: 'รูปเปิดไม่ได้', en: 'Photo cannot be opened' });
  });

  test('staff notes in the answer are kept with the sent item', async () => {
    const { store, queue } = setUp();
    const item = survey({ photo: false, capacity_l: 1100 });
    await queue.save(item);
    await queue.send();
    assert.deepEqual((await stored(store, item.id)).flags, [{ th: 'ถังใหญ่', en: 'Large bin', severity: 'note' }]);
  });

  test('a fresh code the server gave a new bin is kept with the item', async () => {
    const { store, queue } = setUp();
    const clash = survey({ photo: false, bin_code: '01-0427', code_made_on_phone: true });
    const typed = survey({ photo: false, bin_code: '01-0428', code_made_on_phone: true });
    await queue.save(clash);
    await queue.save(typed);
    await queue.send();
    assert.equal((await stored(store, clash.id)).newCode, '01-0815');
    assert.equal((await stored(store, typed.id)).newCode, undefined);
  });
});

describe('backoff', () => {
  test('the delay starts at 5 s, doubles with each troubled run and stops at 5 min', () => {
    const delays = [];
    let d = 0;
    for (let i = 0; i < 9; i += 1) { d = nextRetryDelay(d, true); delays.push(d); }
    assert.deepEqual(delays, [5000, 10000, 20000, 40000, 80000, 160000, 300000, 300000, 300000]);
    assert.equal(RETRY_FIRST_MS, 5000);
    assert.equal(RETRY_MAX_MS, 300000);
    assert.equal(nextRetryDelay(160000, false), 5000, 'a run without trouble starts over');
  });

  test('offline, nothing is requested and the retries wait longer each time, up to the cap', async () => {
    const { store, server, queue, timers, pending, fireRetry } = setUp({ online: false });
    const item = survey();
    await queue.save(item);
    await queue.send();
    for (let i = 0; i < 8; i += 1) await fireRetry();
    assert.deepEqual(server.calls, []);
    assert.deepEqual(timers.map((t) => t.ms), [5000, 10000, 20000, 40000, 80000, 160000, 300000, 300000, 300000]);
    assert.equal(pending().length, 1);
    assert.equal((await stored(store, item.id)).state, 'waiting');
  });

  test('each wait is jittered by at most ±20 %', async () => {
    for (const [r, expected] of [[0, 4000], [0.999999, 5999.995], [0.25, 4500]]) {
      const { queue, timers } = setUp({ online: false, random: () => r });
      await queue.save(survey());
      await queue.send();
      assert.ok(Math.abs(timers[0].ms - expected) < 0.01, `${r}: ${timers[0].ms}`);
    }
  });

  test('a network error or a busy server waits and retries; "send now" starts the backoff over', async () => {
    const { store, server, queue, timers, fireRetry } = setUp();
    const item = survey({ photo: false });
    await queue.save(item);
    server.trouble.push('offline', 502, 'offline');
    await queue.send();
    await fireRetry();
    await fireRetry();
    assert.deepEqual(timers.map((t) => t.ms), [5000, 10000, 20000]);
    assert.equal((await stored(store, item.id)).attempts, 3);
    await queue.sendNow(); // the user taps "send now", or the signal comes back
    assert.equal((await stored(store, item.id)).state, 'sent');
    assert.equal(server.posts(item.id).length, 4);
    assert.equal(server.held.size, 1);
    assert.equal(queue.retryDelay, 0);
    assert.ok(timers.every((t) => t.cleared), 'no retry left once all is sent');
  });

  for (const status of [500, 503, 408, 429]) {
    test(`HTTP ${status} keeps the survey waiting with note "server" and stops this run`, async () => {
      const { store, server, queue, pending } = setUp();
      const first = survey({ savedAt: 1 });
      const second = survey({ savedAt: 2 });
      await queue.save(first);
      await queue.save(second);
      server.trouble.push(status);
      await queue.send();
      const now = await stored(store, first.id);
      assert.equal(now.state, 'waiting');
      assert.equal(now.note, 'server');
      assert.equal(server.posts(second.id).length, 0, 'the rest wait for the retry');
      assert.equal(pending()[0].ms, 5000);
    });
  }
});

describe('refusals', () => {
  test('a 4xx marks the survey failed with the server\'s message; a fixed one goes out once', async () => {
    const { store, server, queue, pending, events } = setUp();
    const item = survey({ capacity_l: 9999 });
    await queue.save(item);
    server.trouble.push(refusal(422, 'invalid_input', 'capacity_l: too large', 'ขนาดถังไม่ถูกต้อง กรุณาเลือกใหม่'));
    await queue.send();
    const failed = await stored(store, item.id);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.note, null);
    assert.deepEqual(failed.error, {
      status: 422, code: 'invalid_input', message: 'capacity_l: too large',
      message_th: 'ขนาดถังไม่ถูกต้อง กรุณาเลือกใหม่', field: null, details: {},
    });
    assert.deepEqual(pending(), [], 'a refused survey is not retried');
    assert.equal(events.sent, 0);
    await queue.send();
    assert.equal(server.posts(item.id).length, 1, 'not sent again by itself');

    // The user fixes the size: a new survey (new submission_id) takes the refused one's place.
    const fixed = survey({ capacity_l: 660 });
    await queue.save(fixed, { replacing: item.id });
    await queue.send();
    await queue.send();
    assert.deepEqual([...store.items.keys()], [fixed.id]);
    assert.equal((await stored(store, fixed.id)).state, 'sent');
    assert.equal(server.posts(fixed.id).length, 1);
    assert.equal(JSON.parse(server.held.get(fixed.id)).capacity_l, 660);
    assert.equal(server.held.has(item.id), false);
  });

  test('a 409 conflict is reported with its code and message, and not retried', async () => {
    const { store, server, queue, pending } = setUp();
    const item = survey({ photo: false });
    // Another survey already went in under the same submission_id.
    server.held.set(item.id, JSON.stringify({ ...JSON.parse(item.body), condition: 'damaged' }));
    await queue.save(item);
    await queue.send();
    const now = await stored(store, item.id);
    assert.equal(now.state, 'failed');
    assert.equal(now.error.status, 409);
    assert.equal(now.error.code, 'submission_conflict');
    assert.equal(now.error.message_th, 'รหัสแบบสำรวจนี้ถูกใช้กับข้อมูลอื่นแล้ว');
    assert.deepEqual(pending(), []);
    assert.deepEqual(countStates(await queue.all()), { waiting: 0, failed: 1, sent: 0 });
  });

  test('a 401 keeps the survey waiting, asks for a new sign-in and stops the run', async () => {
    const { store, server, queue, events, pending } = setUp();
    const first = survey({ savedAt: 1 });
    const second = survey({ savedAt: 2 });
    await queue.save(first);
    await queue.save(second);
    server.trouble.push(refusal(401, 'not_authenticated', 'Sign in', 'กรุณาเข้าสู่ระบบ'));
    await queue.send();
    const now = await stored(store, first.id);
    assert.equal(now.state, 'waiting');
    assert.equal(now.note, 'auth');
    assert.equal(events.auth, 1);
    assert.equal(server.posts(second.id).length, 0);
    assert.equal(pending().length, 1);
  });

  test('an error answer that is not JSON still gives the status', async () => {
    const res = new Response('<html>Bad Gateway</html>', { status: 400, statusText: 'Bad Request' });
    assert.deepEqual(await errorOf(res), { status: 400, code: 'http_400', message: 'Bad Request', message_th: null });
  });
});

describe('counting and tidying', () => {
  test('counts per state', () => {
    const items = ['waiting', 'sent', 'sent', 'failed', 'waiting', 'sent'].map((state) => ({ state }));
    assert.deepEqual(countStates(items), { waiting: 2, failed: 1, sent: 3 });
  });

  test(`sent surveys older than ${KEEP_SENT_DAYS} days are forgotten; waiting and failed ones stay`, async () => {
    const { store, clock, queue } = setUp();
    const rows = [
      { state: 'sent', sentAt: clock.now - (KEEP_SENT_DAYS + 1) * DAY_MS },
      { state: 'sent', sentAt: clock.now - (KEEP_SENT_DAYS - 1) * DAY_MS },
      { state: 'waiting', savedAt: clock.now - 90 * DAY_MS },
      { state: 'failed', savedAt: clock.now - 90 * DAY_MS },
    ].map((extra) => Object.assign(survey(), extra));
    for (const row of rows) await queue.save(row);
    await queue.dropOldSent();
    assert.deepEqual([...store.items.keys()].sort(), rows.slice(1).map((r) => r.id).sort());
  });
});
