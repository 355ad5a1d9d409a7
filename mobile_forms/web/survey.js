/* One survey from start to save: a new draft, the review screen (every answer with a "change"
 * link, a duplicate warning for a new bin next to a registered one), saving it to the send
 * queue, and opening a refused survey again to fix it. */

import { outbox } from './api.js';
import { chooseBin, refreshNewCode, villageChoices, villageFor } from './bins.js';
import { renderPick } from './choices.js';
import { $, el, setText } from './dom.js';
import { fixQuality, setLiveFix, startGps, stopGps } from './gps.js';
import { fromHome, go } from './nav.js';
import { renderQueueState, showSavedOf } from './records.js';
import { queueItem } from './send_queue.js';
import { deviceId, draft, newDraft, uuid } from './state.js';
import { fmtNum, t } from './words.js';

export function startSurvey() {
  if (draft && draft.photoUrl) URL.revokeObjectURL(draft.photoUrl);
  newDraft();
  startGps(true);
  fromHome();
  go('s-photo');
}

function reviewRow(key, value, target, extra) {
  return el('button', { type: 'button', 'data-row': key, onclick: () => { draft.editing = true; go(target); } },
    el('span', { class: 'k' }, t('r_' + key)), el('span', { class: 'v' }, value, extra || null),
    el('span', { class: 'edit' }, t('change')));
}

function duplicateNear() {
  if (!draft.bin || !draft.bin.isNew) return null;
  return (draft.near || []).find((b) => b.code !== draft.bin.code && (!draft.stream || !b.stream || b.stream === draft.stream))
    || (draft.near || []).find((b) => b.code !== draft.bin.code) || null;
}

export function renderReview() {
  draft.editing = true;
  refreshNewCode();
  const rows = [];
  const photo = draft.photo ? el('img', { src: draft.photoUrl, alt: '' }) : t('no_photo');
  rows.push(reviewRow('photo', photo, 's-photo'));
  const code = draft.bin ? draft.bin.code : t('not_set');
  const codeExtra = draft.bin && draft.bin.isNew
    ? [el('span', { class: 'badge-new' }, t('new_badge')), draft.bin.generated ? el('span', { class: 'small' }, el('br'), t('write_code')) : null]
    : null;
  rows.push(reviewRow('code', code, 's-bin', codeExtra));
  rows.push(reviewRow('condition', draft.condition ? t('cond_' + draft.condition) : t('not_set'), 's-condition'));
  if (draft.condition !== 'missing' || draft.stream) {
    rows.push(reviewRow('stream', draft.stream ? `${t('stream_' + draft.stream)} (${t('col_' + draft.stream)})` : t('not_set'), 's-stream'));
    rows.push(reviewRow('size', draft.capacity ? t('litres', { n: fmtNum(draft.capacity) }) : t('not_set'), 's-size'));
  }
  const loc = draft.fix ? `± ${fmtNum(draft.fix.accuracy)} ${t('m')} · ${t('gps_' + fixQuality(draft.fix))}` : t('no_location');
  rows.push(reviewRow('location', loc, 's-gps'));
  $('review-list').replaceChildren(...rows);

  const dup = duplicateNear();
  const dupBox = $('review-dup');
  dupBox.hidden = !dup;
  if (dup) {
    const text = el('span');
    setText(text, t('review_dup', { code: dup.code, d: fmtNum(dup.distance_m) }));
    dupBox.replaceChildren(text,
      el('button', { type: 'button', class: 'btn caution', id: 'btn-dup-same', onclick: () => { draft.editing = false; chooseBin(dup); } }, t('dup_same', { code: dup.code })));
  }
  const needVillage = !villageFor() && villageChoices().length > 1;
  $('review-village').hidden = !needVillage && !draft.village;
  if (needVillage || draft.village) {
    renderPick('pick-village', villageChoices(), draft.village, (n) => { draft.village = n; renderReview(); });
  }
  $('review-error').hidden = true;
}

function reviewProblem() {
  if (!draft.bin) return t('code_empty');
  if (!draft.condition) return t('need_condition');
  if (draft.bin.isNew) {
    if (!draft.fix) return t('need_location');
    if (!draft.stream) return t('need_stream');
    if (!draft.capacity) return t('need_size');
  }
  if (!villageFor() && villageChoices().length > 1) return t('need_village');
  return null;
}

export async function saveDraft() {
  const problem = reviewProblem();
  if (problem) { setText($('review-error'), problem); $('review-error').hidden = false; return; }
  refreshNewCode();
  const id = uuid();
  const photoName = draft.photo ? `bin-${id.slice(0, 8)}.jpg` : null;
  const village = villageFor() || (villageChoices().length === 1 ? villageChoices()[0].value : null);
  const body = { submission_id: id, form_id: 'bin_survey', form_version: 'web-1', bin_code: draft.bin.code };
  if (draft.replaces) body.replaces_submission_id = draft.replaces;
  else if (draft.bin.isNew && draft.bin.generated) body.code_made_on_phone = true; // a clash gets a fresh code
  if (village) body.village = village;
  if (draft.fix) {
    body.location = { lat: draft.fix.lat, lon: draft.fix.lon, accuracy_m: Math.round(draft.fix.accuracy * 10) / 10 };
    if (draft.fix.altitude != null) body.location.altitude_m = draft.fix.altitude;
  }
  body.condition = draft.condition;
  if (draft.capacity) body.capacity_l = draft.capacity;
  if (draft.stream) body.stream = draft.stream;
  body.observed_at = new Date().toISOString();
  body.device_id = deviceId();
  body.photos = photoName ? [photoName] : [];
  const item = queueItem({
    body, photoName, photo: draft.photo, thumb: draft.thumb, savedAt: Date.now(),
    summary: {
      code: draft.bin.code, isNew: draft.bin.isNew, condition: draft.condition, stream: draft.stream,
      capacity: draft.capacity, village, lat: draft.fix && draft.fix.lat, lon: draft.fix && draft.fix.lon,
      accuracy: draft.fix && draft.fix.accuracy, altitude: draft.fix && draft.fix.altitude,
      generated: !!draft.bin.generated, villageId: draft.bin.villageId || null,
    },
  });
  await outbox.save(item, { replacing: draft.fromItem });
  showSavedOf(id);
  stopGps();
  fromHome();
  go('s-saved');
  await renderQueueState();
  outbox.sendNow();
}

export async function fixItem(id) {
  const item = await outbox.get(id);
  if (!item) return;
  const s = item.summary;
  startSurvey();
  draft.photo = item.photo;
  draft.thumb = item.thumb;
  draft.photoUrl = item.photo ? URL.createObjectURL(item.photo) : null;
  draft.fix = s.lat != null ? { lat: s.lat, lon: s.lon, accuracy: s.accuracy, altitude: s.altitude, at: item.savedAt } : null;
  setLiveFix(draft.fix);
  draft.bin = { code: item.newCode || s.code, isNew: s.isNew, generated: s.generated, villageId: s.villageId };
  draft.condition = s.condition;
  draft.stream = s.stream;
  draft.capacity = s.capacity;
  draft.village = s.village;
  draft.fromItem = id;
  // A survey the server already holds is replaced by an edit; one it refused gets a new id too.
  draft.replaces = item.received ? id : null;
  fromHome();
  go('s-review');
}
