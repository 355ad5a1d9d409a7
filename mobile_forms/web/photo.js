/* The photo step: the camera's picture is shrunk on the phone (long side 1024 px, JPEG) before
 * it is kept or sent, with a small thumbnail for the list of records. */

import { $, setText } from './dom.js';
import { advance, go } from './nav.js';
import { draft } from './state.js';
import { fmtNum, t } from './words.js';

const PHOTO_LONG_SIDE_PX = 1024;
const PHOTO_QUALITY = 0.7;

export function renderPhoto() {
  const has = !!draft.photo;
  $('photo-preview').hidden = !has;
  $('photo-placeholder').style.display = has ? 'none' : '';
  if (has) $('photo-preview').src = draft.photoUrl;
  $('photo-label-text').textContent = has ? t('retake') : t('take_photo');
  $('photo-label').classList.toggle('primary', !has);
  $('btn-photo-next').hidden = !has;
  $('btn-photo-skip').hidden = has;
  setText($('photo-status'), has ? t('photo_ready', { kb: fmtNum(draft.photo.size / 1024) }) : '');
}

async function shrinkPhoto(file) {
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const scale = Math.min(1, PHOTO_LONG_SIDE_PX / Math.max(img.naturalWidth, img.naturalHeight));
    const photo = await drawJpeg(img, scale, PHOTO_QUALITY);
    const thumb = await drawJpeg(img, Math.min(1, 128 / Math.max(img.naturalWidth, img.naturalHeight)), 0.6);
    return { photo, thumb };
  } finally {
    URL.revokeObjectURL(url);
  }
}

function drawJpeg(img, scale, quality) {
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
  canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => canvas.toBlob((b) => {
    canvas.width = 0; // let a small phone free the pixels at once
    if (b) resolve(b); else reject(new Error('toBlob'));
  }, 'image/jpeg', quality));
}

export async function onPhotoChosen() {
  const file = $('photo-input').files[0];
  if (!file) return;
  setText($('photo-status'), t('photo_work'));
  try {
    const { photo, thumb } = await shrinkPhoto(file);
    if (draft.photoUrl) URL.revokeObjectURL(draft.photoUrl);
    draft.photo = photo;
    draft.thumb = thumb;
    draft.photoUrl = URL.createObjectURL(photo);
    $('photo-input').value = '';
    if (draft.editing) return advance('s-review');
    renderPhoto();
    go('s-gps');
  } catch (e) {
    setText($('photo-status'), t('photo_bad'));
  }
}
