/* Words of the phone form in Thai (first) and English, and numbers and times for a Thai reader. */

const LANG_KEY = 'fieldsvc.lang';

const WORDS = {
  th: {
    app_title: 'สำรวจถังขยะ', offline: 'ไม่มีสัญญาณ', waiting_short: 'รอส่ง', back: 'ย้อนกลับ',
    login_title: 'เข้าสู่ระบบ',
    login_help: 'เปิดลิงก์ที่ได้รับทาง LINE จากเจ้าหน้าที่ หรือวางลิงก์ / สแกน QR ด้านล่าง',
    login_paste: 'วางลิงก์หรือรหัสเข้าใช้', login_go: 'เข้าสู่ระบบ',
    login_bad: 'ลิงก์หรือรหัสนี้ใช้ไม่ได้ กรุณาขอลิงก์ใหม่จากเจ้าหน้าที่ อบต.',
    login_again: 'ลิงก์เข้าใช้หมดอายุหรือถูกยกเลิกแล้ว กรุณาขอลิงก์ใหม่จาก อบต. รายการที่รอส่งยังเก็บอยู่ในเครื่อง',
    hello: 'สวัสดี {name}', village: 'หมู่ {n} {name}', all_villages: 'ทุกหมู่บ้านในตำบล',
    progress_title: 'ตรวจแล้วเดือนนี้', bins_unit: 'ถัง',
    due_title: 'ครบกำหนดตรวจ ในหมู่บ้านของฉัน', due_none: 'ไม่มีถังครบกำหนดตรวจ ตรวจครบแล้ว',
    due_head: 'ครบกำหนดตรวจ {n} ถัง', due_head_overdue: 'เลยกำหนด {o} ถัง',
    due_next: 'ถังแรกตามทางเดิน {code} {d} ม. ›', due_next_date: 'ดูลำดับการเดินตรวจ ›',
    due_count: 'ถึงกำหนดตรวจ {n} ถัง (เลยกำหนด {o} ถัง) แตะที่ถังเพื่อเริ่มตรวจ',
    due_overdue_days: 'เลยกำหนด {n} วัน', due_today: 'ครบกำหนดวันนี้', due_on: 'ครบกำหนด {date}',
    due_order_road: 'เรียงตามทางเดินบนถนน จากจุดที่คุณยืน รวม {d} ม.',
    due_order_straight: 'เรียงตามระยะเส้นตรง จากจุดที่คุณยืน รวม {d} ม.',
    due_order_wait: 'กำลังหาตำแหน่ง… ระหว่างนี้เรียงตามวันครบกำหนด', due_more: 'และอีก {n} ถัง',
    progress_pending: 'และบันทึกไว้รอส่งอีก {n} ถัง',
    start: 'บันทึกถังขยะ', my_records: 'รายการที่บันทึก', report_problem: 'แจ้งปัญหาถังขยะ',
    data_age: 'ข้อมูลถังในเครื่อง ณ {time}', no_data: 'ยังไม่มีข้อมูลถังในเครื่อง',
    logout: 'ออกจากระบบ', logout_confirm: 'ออกจากระบบจากโทรศัพท์เครื่องนี้?',
    step: 'ขั้นที่ {n}',
    q_photo: 'ถ่ายรูปถังขยะ', take_photo: 'ถ่ายรูป', retake: 'ถ่ายใหม่',
    photo_ready: 'ได้รูปแล้ว ({kb} KB)', photo_work: 'กำลังย่อรูป…',
    photo_bad: 'เปิดรูปนี้ไม่ได้ ลองถ่ายใหม่', skip_photo: 'ข้าม ไม่ถ่ายรูป', next: 'ถัดไป',
    q_gps: 'ตำแหน่งถัง', gps_help: 'ยืนข้างถัง ในที่โล่ง ไม่อยู่ใต้หลังคา',
    gps_accuracy: 'คลาดเคลื่อนได้', gps_wait: 'กำลังหาสัญญาณ GPS…', m: 'ม.',
    gps_green: 'แม่นยำดี', gps_amber: 'พอใช้ได้', gps_red: 'ยังไม่แม่นยำ',
    gps_use: 'ใช้ตำแหน่งนี้', gps_wait_btn: 'กำลังรอ GPS…',
    gps_use_poor: 'ใช้ตำแหน่งนี้ แม้ไม่แม่นยำ', gps_go_without: 'ไปต่อโดยไม่มีตำแหน่ง',
    gps_warn_poor: 'ออกไปที่โล่งแล้วรอสักครู่ ถ้ายังไม่ดีขึ้น กดปุ่มข้างล่างได้เลย',
    gps_warn_none: 'ยังหาตำแหน่งไม่ได้ เปิด GPS ในโทรศัพท์ แล้วรอสักครู่',
    gps_denied: 'โทรศัพท์ปิดการใช้ตำแหน่งไว้ เปิดในการตั้งค่า หรือกดไปต่อโดยไม่มีตำแหน่ง',
    q_bin: 'ถังนี้มีในทะเบียนแล้วหรือยัง',
    near_some: 'ถังที่ลงทะเบียนไว้ในระยะ {r} ม. ถ้าเป็นใบนี้ แตะที่ชื่อถัง',
    near_none: 'ไม่พบถังที่ลงทะเบียนไว้ในระยะ {r} ม.',
    near_nofix: 'ไม่มีตำแหน่ง จึงหาถังใกล้ ๆ ไม่ได้ สแกนหรือพิมพ์รหัสบนถัง',
    pending: 'รอส่ง', away: '{d} ม.', or: 'หรือ', scan_qr: 'สแกน QR บนถัง', login_scan: 'สแกน QR เข้าใช้',
    type_code: 'พิมพ์รหัสบนถัง', code_eg: 'เช่น 07-0427', ok: 'ตกลง', code_empty: 'พิมพ์รหัสที่เขียนบนถัง หรือกดถังใหม่',
    new_bin_no_code: 'ถังใหม่ ยังไม่มีรหัส',
    q_condition: 'สภาพถัง', cond_usable: 'ใช้งานได้', cond_damaged: 'ชำรุด',
    cond_missing: 'สูญหาย', cond_overflowing: 'ขยะล้น',
    q_stream: 'ถังสีอะไร (ประเภทขยะ)',
    stream_general: 'ทั่วไป', stream_organic: 'อินทรีย์', stream_recyclable: 'รีไซเคิล',
    stream_hazardous: 'อันตราย', col_general: 'สีน้ำเงิน', col_organic: 'สีเขียว',
    col_recyclable: 'สีเหลือง', col_hazardous: 'สีแดง',
    q_size: 'ขนาดถัง', litres: '{n} ลิตร', size_120: 'ถังล้อเลื่อนเล็ก',
    size_240: 'ถังล้อเลื่อน', size_200: 'ถังกลม (ถังน้ำมัน)', size_660: 'คอนเทนเนอร์',
    size_1100: 'คอนเทนเนอร์ใหญ่',
    q_review: 'ตรวจแล้วกดบันทึก', r_photo: 'รูป', r_code: 'รหัสถัง', r_condition: 'สภาพ',
    r_stream: 'ประเภท', r_size: 'ขนาด', r_location: 'ตำแหน่ง', change: 'แก้',
    no_photo: 'ไม่มีรูป', no_location: 'ไม่มีตำแหน่ง', not_set: 'ยังไม่เลือก',
    new_badge: 'ถังใหม่', write_code: 'เขียนรหัสนี้ไว้ที่ถัง',
    review_dup: 'ระวังซ้ำ: ถัง {code} ลงทะเบียนไว้แล้ว ห่างจากที่นี่ {d} ม.',
    dup_same: 'เป็นถัง {code} ใบเดิม', q_village: 'ถังนี้อยู่หมู่บ้านไหน',
    need_village: 'กรุณาเลือกหมู่บ้าน', need_location: 'ถังใหม่ต้องมีตำแหน่ง แตะแถวตำแหน่งแล้วรอ GPS',
    need_condition: 'กรุณาเลือกสภาพถัง', need_stream: 'กรุณาเลือกประเภทขยะ (สีถัง)',
    need_size: 'กรุณาเลือกขนาดถัง', save: 'บันทึก',
    saved_title: 'บันทึกแล้ว', saved_sending: 'กำลังส่ง…', saved_sent: 'ส่งถึง อบต. แล้ว',
    saved_waiting: 'เก็บไว้ในโทรศัพท์แล้ว จะส่งให้เองเมื่อมีสัญญาณ',
    saved_failed: 'ส่งไม่สำเร็จ: {why}', next_bin: 'บันทึกถังต่อไป', home: 'กลับหน้าแรก',
    send_now: 'ส่งตอนนี้', queue_summary: 'รอส่ง {w} · ส่งไม่สำเร็จ {f} · ส่งแล้ว {s}',
    queue_empty: 'ยังไม่มีรายการ', st_sent: 'ส่งแล้ว', st_waiting: 'รอส่ง',
    st_failed: 'ส่งไม่สำเร็จ', why_network: 'ยังไม่มีสัญญาณ จะลองส่งใหม่เอง',
    why_server: 'ระบบของ อบต. ไม่ว่าง จะลองส่งใหม่เอง', why_auth: 'ลิงก์เข้าใช้หมดอายุ ขอลิงก์ใหม่จาก อบต. แล้วจะส่งได้',
    staff_check: 'เจ้าหน้าที่จะตรวจ: {msg}', fix_resend: 'แก้ไขแล้วส่งใหม่',
    remove: 'ลบรายการนี้', remove_confirm: 'ลบรายการนี้ออกจากโทรศัพท์? ข้อมูลจะไม่ถูกส่ง',
    scan_title: 'ส่องกล้องไปที่ QR', scan_starting: 'กำลังเปิดกล้อง…',
    scan_no_camera: 'เปิดกล้องไม่ได้ ถ่ายรูป QR แทน', scan_none: 'ไม่พบ QR ในรูป ถ่ายใกล้ ๆ อีกครั้ง',
    cancel: 'ยกเลิก', unknown_error: 'ส่งไม่สำเร็จ (รหัส {status}) ลองส่งใหม่ ถ้ายังไม่ได้ โทรแจ้ง อบต.',
    // finding the right bin: a poor fix, a code not found, the new bin's code
    near_poor: 'ตำแหน่งคลาดเคลื่อนได้ถึง {acc} ม. ถังนี้น่าจะเป็นถังด้านล่างที่ลงทะเบียนไว้แล้ว แตะถังที่ใช่',
    code_not_found: 'ไม่พบรหัส {code}',
    code_closest: 'รหัสบนถังเป็นรหัสนี้หรือไม่ แตะรหัสที่ตรงกับบนถัง',
    code_none_close: 'ไม่มีรหัสที่คล้ายกันในทะเบียน ดูรหัสบนถังอีกครั้ง',
    code_register_new: 'ลงทะเบียนเป็นถังใหม่ รหัส {code}', code_retype: 'พิมพ์รหัสใหม่',
    saved_code_new: 'รหัสถังใหม่ เขียนบนถังให้ชัด', saved_code_typed: 'รหัสถังใหม่',
    code_written: 'เขียนรหัสบนถังแล้ว',
    code_changed: 'รหัส {old} มีถังอื่นใช้แล้ว ถังนี้ได้รหัสใหม่ {code} เขียนรหัสใหม่บนถังแทน',
    // the bar, steps and settings (a real screen)
    step_of: 'ขั้นที่ {n} จาก {total}',
    cancel_confirm: 'ยกเลิกถังนี้? สิ่งที่บันทึกไว้ของถังนี้จะหายไป',
    lang_confirm: 'เปลี่ยนภาษาเป็นภาษาอังกฤษ (English)?',
    // QR stickers (scan.js)
    scan_photo: 'ถ่ายรูป QR แทน', scan_reading: 'กำลังอ่าน QR…',
  },
  en: {
    app_title: 'Bin survey', offline: 'Offline', waiting_short: 'to send', back: 'Back',
    login_title: 'Sign in',
    login_help: 'Open the link the staff sent you on LINE, or paste the link / scan the QR code below',
    login_paste: 'Paste your link or access code', login_go: 'Sign in',
    login_bad: 'This link or code does not work. Ask the office staff for a new link.',
    login_again: 'Your access link has expired or was cancelled: ask the office for a new one. Surveys waiting to be sent are kept on this phone.',
    hello: 'Hello, {name}', village: 'Village {n} {name}', all_villages: 'All villages',
    progress_title: 'Inspected this month', bins_unit: 'bins',
    due_title: 'Due for inspection in my village', due_none: 'No bin is due: all inspected',
    due_head: '{n} bins due for inspection', due_head_overdue: '{o} overdue',
    due_next: 'First on the walk: {code}, {d} m ›', due_next_date: 'See the walking order ›',
    due_count: '{n} bins due ({o} overdue). Tap a bin to inspect it',
    due_overdue_days: '{n} days overdue', due_today: 'due today', due_on: 'due {date}',
    due_order_road: 'In walking order along the roads from where you stand, {d} m in all',
    due_order_straight: 'In order by straight-line distance from where you stand, {d} m in all',
    due_order_wait: 'Finding your position… meanwhile by due date', due_more: 'and {n} more',
    progress_pending: 'and {n} more saved, waiting to be sent',
    start: 'Record a bin', my_records: 'My records', report_problem: 'Report a bin problem',
    data_age: 'Bin data on this phone from {time}', no_data: 'No bin data on this phone yet',
    logout: 'Sign out', logout_confirm: 'Sign out on this phone?',
    step: 'Step {n}',
    q_photo: 'Take a photo of the bin', take_photo: 'Take photo', retake: 'Retake',
    photo_ready: 'Photo ready ({kb} KB)', photo_work: 'Shrinking the photo…',
    photo_bad: 'This photo could not be read. Try again.', skip_photo: 'Skip the photo',
    next: 'Next',
    q_gps: 'Bin location', gps_help: 'Stand next to the bin, in the open, not under a roof',
    gps_accuracy: 'Accuracy', gps_wait: 'Finding GPS…', m: 'm',
    gps_green: 'Good', gps_amber: 'Fair', gps_red: 'Not accurate yet',
    gps_use: 'Use this location', gps_wait_btn: 'Waiting for GPS…',
    gps_use_poor: 'Use it anyway', gps_go_without: 'Continue without location',
    gps_warn_poor: 'Move into the open and wait a moment; if it does not improve, use the button below.',
    gps_warn_none: 'No GPS fix yet. Turn on location on the phone and wait a moment.',
    gps_denied: 'Location is turned off for the browser: allow it in the settings, or go on without it.',
    q_bin: 'Is this bin already registered?',
    near_some: 'Registered bins within {r} m. If it is this one, tap it.',
    near_none: 'No registered bin within {r} m.',
    near_nofix: 'No location, so nearby bins cannot be shown. Scan or type the bin code.',
    pending: 'to send', away: '{d} m', or: 'or', scan_qr: 'Scan the QR on the bin', login_scan: 'Scan the sign-in QR',
    type_code: 'Type the code on the bin', code_eg: 'e.g. 07-0427', ok: 'OK', code_empty: 'Type the code written on the bin, or choose new bin',
    new_bin_no_code: 'New bin, no code yet',
    q_condition: 'Condition', cond_usable: 'Usable', cond_damaged: 'Damaged',
    cond_missing: 'Missing', cond_overflowing: 'Overflowing',
    q_stream: 'Bin colour (waste type)',
    stream_general: 'General', stream_organic: 'Organic', stream_recyclable: 'Recyclable',
    stream_hazardous: 'Hazardous', col_general: 'blue', col_organic: 'green',
    col_recyclable: 'yellow', col_hazardous: 'red',
    q_size: 'Bin size', litres: '{n} L', size_120: 'small wheelie bin', size_240: 'wheelie bin',
    size_200: 'drum', size_660: 'container', size_1100: 'large container',
    q_review: 'Check, then save', r_photo: 'Photo', r_code: 'Bin code', r_condition: 'Condition',
    r_stream: 'Type', r_size: 'Size', r_location: 'Location', change: 'change',
    no_photo: 'No photo', no_location: 'No location', not_set: 'Not chosen',
    new_badge: 'NEW', write_code: 'Write this code on the bin',
    review_dup: 'Possible duplicate: bin {code} is registered {d} m from here.',
    dup_same: 'It is bin {code}', q_village: 'Which village is this bin in?',
    need_village: 'Please choose the village', need_location: 'A new bin needs a location: tap the location row and wait for GPS',
    need_condition: 'Please choose the condition', need_stream: 'Please choose the waste type (colour)',
    need_size: 'Please choose the size', save: 'Save',
    saved_title: 'Saved', saved_sending: 'Sending…', saved_sent: 'Sent to the office',
    saved_waiting: 'Kept on this phone; it will be sent when there is signal',
    saved_failed: 'Not sent: {why}', next_bin: 'Record the next bin', home: 'Home',
    send_now: 'Send now', queue_summary: 'To send {w} · failed {f} · sent {s}',
    queue_empty: 'Nothing recorded yet', st_sent: 'Sent', st_waiting: 'To send',
    st_failed: 'Failed', why_network: 'No signal; it will retry by itself',
    why_server: 'The office system is busy; it will retry by itself', why_auth: 'Your access link has expired: ask the office for a new one to send',
    staff_check: 'Staff will check: {msg}', fix_resend: 'Fix and send again',
    remove: 'Remove this record', remove_confirm: 'Remove this record from the phone? It will not be sent.',
    scan_title: 'Point the camera at the QR code', scan_starting: 'Opening the camera…',
    scan_no_camera: 'The camera could not be opened: take a photo of the QR instead',
    scan_none: 'No QR code found; try again', cancel: 'Cancel',
    unknown_error: 'Not sent (code {status}). Try again; if it still fails, call the office.',
    // finding the right bin: a poor fix, a code not found, the new bin's code
    near_poor: 'The location may be off by {acc} m. This is probably one of the registered bins below: tap the right one.',
    code_not_found: 'Code {code} not found',
    code_closest: 'Is the code on the bin one of these? Tap the one that matches.',
    code_none_close: 'No similar code is registered. Look at the code on the bin again.',
    code_register_new: 'Register a new bin with code {code}', code_retype: 'Type the code again',
    saved_code_new: 'New bin code: write it on the bin', saved_code_typed: 'New bin code',
    code_written: 'Code written on the bin',
    code_changed: 'Code {old} is already used by another bin; this bin now has code {code}. Write the new code on the bin.',
    // the bar, steps and settings (a real screen)
    step_of: 'Step {n} of {total}',
    cancel_confirm: 'Cancel this bin? What you entered for it will be lost.',
    lang_confirm: 'Switch the language to Thai (ภาษาไทย)?',
    // QR stickers (scan.js)
    scan_photo: 'Take a photo of the QR instead', scan_reading: 'Reading the QR…',
  },
};

/** The language shown: 'th' unless the user chose English on this phone. */
export let lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'th';

/** Switch between Thai and English, remembered on the phone. */
export function toggleLang() {
  lang = lang === 'th' ? 'en' : 'th';
  localStorage.setItem(LANG_KEY, lang);
}

export function t(key, params) {
  let s = (WORDS[lang] && WORDS[lang][key]) || WORDS.th[key] || key;
  if (params) for (const k of Object.keys(params)) s = s.split('{' + k + '}').join(String(params[k]));
  return s;
}

export function fmtNum(n, digits) {
  return Number(n).toLocaleString(lang === 'th' ? 'th-TH' : 'en-GB', { maximumFractionDigits: digits || 0 });
}

export function fmtTime(ms) {
  // th-TH shows the Buddhist-era year by itself.
  return new Date(ms).toLocaleString(lang === 'th' ? 'th-TH' : 'en-GB', {
    day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
  });
}

/** The server's message about a refused survey, in the reader's language. */
export function errorText(err) {
  if (!err) return '';
  const text = lang === 'th' ? err.message_th || err.message : err.message || err.message_th;
  return text || t('unknown_error', { status: err.status });
}
