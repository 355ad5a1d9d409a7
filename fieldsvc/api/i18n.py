"""Thai first, English second: the UI's words, chosen per request by the ``lang`` cookie."""

from __future__ import annotations

from fastapi import Request

from fieldsvc.models.enums import (
    CONDITION_EN,
    CONDITION_TH,
    HOUSEHOLD_BASIS_EN,
    HOUSEHOLD_BASIS_TH,
    Condition,
)
from fieldsvc.models.place import APPROXIMATE_AREA_EN, APPROXIMATE_AREA_TH
from fieldsvc.models.plan import PLAN_ITEM_STAGE_EN, PLAN_ITEM_STAGE_TH, PlanItemStage

LANGUAGES = ("th", "en")
LANG_COOKIE = "fieldsvc_lang"

WORDS: dict[str, tuple[str, str]] = {
    "app_name": ("ทะเบียนถังขยะ", "Waste-bin register"),
    "division": ("กองสาธารณสุขและสิ่งแวดล้อม", "Public-health division"),
    "home": ("หน้าแรก", "Home"),
    "dashboard": ("ภาพรวม", "Dashboard"),
    "map": ("แผนที่", "Map"),
    "register_gpkg": ("ทะเบียนสำหรับ QGIS (.gpkg)", "Register for QGIS (.gpkg)"),
    "register_gpkg_hint": (
        "หมู่บ้าน ถัง ประวัติการตรวจ ความครอบคลุม และแผน พร้อมสัญลักษณ์แบบแผนที่เว็บ",
        "Villages, bins, inspections, coverage and the plan, styled like the web map",
    ),
    "review": ("ตรวจสอบแบบสำรวจ", "Review surveys"),
    "plans": ("แผนจัดสรรถังขยะ", "Allocation plans"),
    "public_page": ("หน้าเผยแพร่สาธารณะ", "Public page"),
    "survey_form": ("แบบสำรวจ (มือถือ)", "Survey form (phone)"),
    "sign_in": ("เข้าสู่ระบบ", "Sign in"),
    "sign_out": ("ออกจากระบบ", "Sign out"),
    "signed_in_as": ("ผู้ใช้", "Signed in as"),
    "subdistrict_now": ("ตำบล", "Subdistrict"),
    "subdistrict_switch": ("เปลี่ยนตำบล", "Switch"),
    "subdistrict_choose": ("เลือกตำบลที่ทำงาน", "Choose the subdistrict to work in"),
    "switch_language": ("English", "ภาษาไทย"),
    "sign_in_help": (
        "เปิดลิงก์ประจำตัวที่ได้รับจากเจ้าหน้าที่ หรือวางโทเค็นด้านล่าง",
        "Open the personal link you were given, or paste your token below",
    ),
    "sign_in_link_help": (
        "กดปุ่มด้านล่างเพื่อเข้าสู่ระบบด้วยลิงก์ประจำตัวของท่าน",
        "Press the button below to sign in with your personal link",
    ),
    "token": ("โทเค็น", "Token"),
    "bad_token": (
        "ลิงก์นี้ใช้ไม่ได้ อาจพิมพ์ผิด หมดอายุ หรือถูกยกเลิกแล้ว กรุณาขอลิงก์ใหม่จาก อบต.",
        "This link does not work: mistyped, expired or cancelled. Ask the office for a new one.",
    ),
    "village": ("หมู่บ้าน", "Village"),
    "moo": ("หมู่ที่", "Moo"),
    "approximate_area": (APPROXIMATE_AREA_TH, APPROXIMATE_AREA_EN.capitalize()),
    "approximate_area_note": (
        "พื้นที่หมู่บ้านโดยประมาณ: ยังไม่มีขอบเขตหมู่บ้านจริง จึงแบ่งพื้นที่ตำบลให้จุดศูนย์กลางหมู่บ้าน"
        "ที่ใกล้ที่สุด ตัวเลขรายหมู่บ้านจึงเป็นค่าประมาณ",
        "Approximate village area: no real village boundary yet, so the subdistrict is divided "
        "by nearest village centre; per-village figures are estimates",
    ),
    "households": ("ครัวเรือน", "Households"),
    "household_basis": ("ที่มาของจำนวนครัวเรือน", "Household basis"),
    **{f"basis_{k}": (HOUSEHOLD_BASIS_TH[k], HOUSEHOLD_BASIS_EN[k]) for k in HOUSEHOLD_BASIS_TH},
    "bins": ("ถังขยะ", "Bins"),
    **{c.value: (CONDITION_TH[c], CONDITION_EN[c]) for c in Condition},
    "coverage": ("ครัวเรือนเข้าถึงถัง", "Households within reach"),
    "capacity_vs_demand": ("ความจุ/ปริมาณขยะ", "Capacity / waste"),
    "households_per_bin": ("ครัวเรือนต่อถัง", "Households per bin"),
    "median_distance": ("ระยะเดินถึงถัง (มัธยฐาน)", "Median walk to a bin"),
    "last_survey": ("สำรวจล่าสุด", "Last survey"),
    "total": ("รวม", "Total"),
    "rounds_title": ("รอบการตรวจถังรายหมู่บ้าน", "Inspection rounds by village"),
    "rounds_note": (
        "ถังที่ใช้งานได้ต้องตรวจอย่างน้อยทุก {days} วัน ถังชำรุดหรือขยะล้นเร็วกว่านั้น;"
        " ครบกำหนด = ภายใน {soon} วันข้างหน้า; ตรวจแล้วรอบนี้ = ตรวจภายใน {days} วันที่ผ่านมา",
        "Usable bins are inspected at least every {days} days, damaged or overflowing ones"
        " sooner; due = within the next {soon} days; done = inspected in the last {days} days",
    ),
    "rounds_overdue": ("เลยกำหนด", "Overdue"),
    "rounds_due": ("ครบกำหนด", "Due"),
    "rounds_done": ("ตรวจแล้วรอบนี้", "Done this round"),
    "rounds_bins": ("ถังทั้งหมด", "All bins"),
    "coverage_through_year": ("ความครอบคลุมตลอดปีงบประมาณ", "Coverage through the fiscal year"),
    "coverage_through_year_note": (
        "ค่า ณ สิ้นเดือน สร้างย้อนหลังจากประวัติการตรวจถัง (ขยะทั่วไป) ปีงบประมาณ {year} ผ่านมาแล้ว {months} เดือน",
        "Month-end figures rebuilt from the inspection history (general waste), fiscal year "
        "{year}, {months} months so far",
    ),
    "coverage_by_village_month": ("รายหมู่บ้าน รายเดือน", "By village, month by month"),
    "monthly_series": ("ข้อมูลรายเดือน", "Monthly series"),
    "ita_report": (
        "รายงาน ITA มาตรการที่ 8 ระบบบริการเชิงรุก",
        "ITA report, measure 8: proactive service",
    ),
    "ita_report_note": (
        "แถวของมาตรการในตารางรายงาน พร้อมภาคผนวกแผนภูมิรายเดือนและแผนที่ความครอบคลุม "
        "ปีงบประมาณ {year} (ปีที่ยังไม่สิ้นสุดรายงานถึงวันนี้)",
        "The measure's row of the report with the annex of monthly charts and the coverage "
        "map, fiscal year {year} (a year not over yet is reported up to today)",
    ),
    "overview_by_village": ("ภาพรวมรายหมู่บ้าน (ขยะทั่วไป)", "Overview by village (general waste)"),
    "coverage_note": (
        "ครัวเรือนเข้าถึงถัง = มีถังที่ใช้งานได้ในระยะเดิน {radius} เมตร",
        "Within reach = a usable bin within {radius} m walking",
    ),
    "exports": ("ส่งออกข้อมูล", "Exports"),
    "open_map": ("เปิดแผนที่", "Open map"),
    "review_queue": ("แบบสำรวจที่ต้องตรวจสอบ", "Surveys to review"),
    "no_items": ("ไม่มีรายการ", "Nothing here"),
    "received": ("ได้รับเมื่อ", "Received"),
    "flags": ("ข้อสังเกต", "Flags"),
    "state": ("สถานะ", "State"),
    "approve": ("อนุมัติ", "Approve"),
    "save": ("บันทึก", "Save"),
    "comment": ("หมายเหตุ", "Comment"),
    "photo": ("ภาพถ่าย", "Photo"),
    "photo_unreadable": ("รูปเปิดไม่ได้", "Photo cannot be opened"),
    "download_as_received": ("ดาวน์โหลดไฟล์ตามที่ได้รับ", "Download the file as received"),
    "history": ("ประวัติการตรวจ", "Inspection history"),
    "versions": ("ฉบับแก้ไข", "Versions"),
    "condition": ("สภาพ", "Condition"),
    "stream": ("ประเภทขยะ", "Stream"),
    "capacity": ("ความจุ (ลิตร)", "Capacity (L)"),
    "location": ("ตำแหน่ง", "Location"),
    "accuracy": ("ความแม่นยำ GPS", "GPS accuracy"),
    "observed": ("วันที่สำรวจ", "Observed"),
    "source": ("ที่มา", "Source"),
    "new_plan": ("จัดทำแผนใหม่", "New plan"),
    "budget_baht": ("งบประมาณ (บาท)", "Budget (baht)"),
    "equity_floor": ("ความครอบคลุมขั้นต่ำทุกหมู่บ้าน (0–1)", "Equity floor (0–1)"),
    "title": ("ชื่อแผน", "Title"),
    "publish": ("เผยแพร่ต่อสาธารณะ", "Publish"),
    "status": ("สถานะ", "Status"),
    "spent": ("ใช้จ่าย", "Spent"),
    "items": ("รายการ", "Items"),
    "reason": ("เหตุผล", "Reason"),
    "reason_replacement": ("ทดแทนถังชำรุด/สูญหาย", "Replacement"),
    "reason_capacity": ("เพิ่มถัง (ความจุไม่พอ)", "Added for capacity"),
    "reason_coverage": ("จุดตั้งถังใหม่", "New site"),
    "count": ("จำนวน", "Count"),
    "cost": ("ค่าใช้จ่าย (บาท)", "Cost (baht)"),
    "households_added": ("ครัวเรือนที่เข้าถึงเพิ่ม", "Households added"),
    "scenario": ("สถานการณ์", "Scenario"),
    "parameters": ("พารามิเตอร์ที่ใช้", "Parameters used"),
    "efficiency_equity": ("ประสิทธิภาพและความเป็นธรรม", "Efficiency and equity"),
    "open_data": ("ข้อมูลเปิด", "Open data"),
    "published_plan": ("แผนจัดสรรที่เผยแพร่", "Published allocation plan"),
    "no_published_plan": ("ยังไม่มีแผนที่เผยแพร่", "No plan published yet"),
    # --- following a published plan's items ---
    "baht": ("บาท", "baht"),
    "planned_cost_baht": ("ค่าใช้จ่ายตามแผน (บาท)", "Planned cost (baht)"),
    "plan_progress": ("ความคืบหน้าการจัดหาและติดตั้งถัง", "Progress: buying and installing"),
    "plan_progress_note": (
        "แต่ละรายการเดินตามลำดับ อนุมัติ → สั่งซื้อ → ตรวจรับ → ติดตั้ง "
        "นับว่าติดตั้งเมื่อเจ้าหน้าที่ยืนยันถังที่สำรวจพบในทะเบียน "
        "เงินนับเป็นใช้จ่ายจริงเมื่อตรวจรับแล้ว (ราคาที่จ่ายจริง หรือราคาตามแผนถ้ายังไม่บันทึก)",
        "Each item moves approved → ordered → delivered → installed; it counts as installed once "
        "staff confirm the surveyed bins in the register. Money counts as spent once delivered "
        "(the price paid, or the planned cost until one is recorded)",
    ),
    "bins_installed": ("ถังที่ติดตั้งแล้ว", "Bins installed"),
    "money_spent": ("ใช้จ่ายจริง", "Spent"),
    "of_budget": ("จากงบประมาณ", "of the budget"),
    "of_planned": ("จากที่วางแผน", "of those planned"),
    "money_committed": ("สั่งซื้อแล้ว (ผูกพัน)", "Committed (ordered)"),
    "stage": ("ขั้นตอน", "Stage"),
    "installed_short": ("ติดตั้ง", "Installed"),
    "paid_baht": ("จ่ายจริง (บาท)", "Paid (baht)"),
    "items_by_stage": ("รายการตามขั้นตอน", "Items by stage"),
    "plan_not_followed": (
        "แผนนี้ยังไม่ได้ประกาศ จึงยังไม่มีการติดตามรายการ (ติดตามเมื่อเผยแพร่แผน)",
        "This plan is not published, so its items are not followed yet (they are once published)",
    ),
    "record_as": ("บันทึกว่า", "Record as"),
    "paid_for_row": (
        "ราคาที่จ่ายจริงทั้งรายการ (บาท) เว้นว่าง = ตามแผน",
        "Price paid for the whole row (baht); blank = as planned",
    ),
    "paid_for_row_now": ("ราคาที่จ่ายจริงทั้งรายการ (บาท)", "Price paid for the whole row (baht)"),
    "record_price": ("บันทึกราคาที่จ่ายจริง", "Record the price paid"),
    "suggested_bins": ("ถังใหม่ที่ระบบพบใกล้จุดที่วางแผน", "New bins found near the planned site"),
    "suggested_count": ("ถังที่รอยืนยัน", "to confirm"),
    "match_rule": (
        "ระบบจับคู่ถังที่ลงทะเบียนหลังอนุมัติแผน ประเภทและขนาดตรงกัน ห่างจากจุดที่วางแผนไม่เกิน "
        "{m} เมตร (รายการที่ไม่มีพิกัด: ในหมู่บ้านเดียวกัน) แล้วให้เจ้าหน้าที่ยืนยัน",
        "Bins registered after the plan was approved, of the planned stream and size, within {m} m "
        "of the planned site (items without a site: in the same village) are suggested; staff "
        "confirm them",
    ),
    "confirm_bin": ("ยืนยันว่าเป็นถังของรายการนี้", "Confirm as this item's bin"),
    "reject_bin": ("ไม่ใช่", "Not this one"),
    "confirm_after_delivery": (
        "ยืนยันถังได้เมื่อบันทึกตรวจรับแล้ว",
        "Bins can be confirmed once the item is delivered",
    ),
    "confirmed_bins": ("ถังที่ยืนยันแล้ว", "Confirmed bins"),
    "no_suggestions": ("ยังไม่พบถังใหม่ที่ตรงกัน", "No matching new bin found yet"),
    "distance_m": ("ระยะ (ม.)", "Distance (m)"),
    "item_history": ("ประวัติรายการ", "History of the item"),
    "by_system": ("ระบบ", "system"),
    "no_site": ("ไม่มีพิกัด", "No site"),
    "registered": ("ลงทะเบียน", "Registered"),
    "event_approved": ("อนุมัติ (ประกาศแผน)", "Approved (plan published)"),
    "event_ordered": ("สั่งซื้อ", "Ordered"),
    "event_delivered": ("ตรวจรับ", "Delivered"),
    "event_installed": ("ติดตั้งครบ", "Installed"),
    "event_bin_confirmed": ("ยืนยันถัง", "Bin confirmed"),
    "event_bin_rejected": ("ไม่ใช่ถังของรายการ", "Bin turned down"),
    "event_price": ("บันทึกราคาที่จ่าย", "Price recorded"),
    "public_intro": (
        "องค์การบริหารส่วนตำบลเผยแพร่ข้อมูลถังขยะและแผนการจัดสรรถังขยะเพื่อความโปร่งใส "
        "ตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส",
        "The subdistrict publishes its waste-bin register and allocation plan for transparency.",
    ),
    "report_problem": ("แจ้งปัญหาถังขยะ", "Report a bin problem"),
    "report_problem_note": (
        "ถังเต็ม ถังชำรุด ถังหาย หรือทิ้งขยะไม่เป็นที่ แจ้ง อบต. ได้ทางโทรศัพท์มือถือ ไม่ต้องสมัครสมาชิก",
        "A full, broken or missing bin, or dumped rubbish: tell the office from your phone, "
        "no account needed",
    ),
    "recent_reports": ("เรื่องที่ประชาชนแจ้งล่าสุด", "Recent reports from residents"),
    "recent_reports_note": (
        "แสดงเฉพาะเรื่องที่เจ้าหน้าที่ตรวจแล้ว ไม่แสดงชื่อ เบอร์โทร และรูปของผู้แจ้ง",
        "Only reports staff have checked; reporters' names, phones and photos are never shown",
    ),
    "no_public_reports": ("ยังไม่มีเรื่องที่เผยแพร่", "No published reports yet"),
    "report_what": ("เรื่อง", "Report"),
    "report_status": ("สถานะ", "Status"),
    "reported_on": ("วันที่แจ้ง", "Reported"),
    "office_reply": ("คำตอบจาก อบต.", "Office reply"),
    "report_kind_bin_full": ("ถังเต็ม / ขยะล้น", "Bin full / overflowing"),
    "report_kind_bin_broken": ("ถังชำรุด", "Bin broken"),
    "report_kind_bin_missing": ("ถังหาย", "Bin missing"),
    "report_kind_bin_request": ("ขอให้ตั้งถังตรงนี้", "Please put a bin here"),
    "report_kind_dumping": ("ทิ้งขยะไม่เป็นที่", "Dumped rubbish"),
    "report_status_received": ("รับเรื่องแล้ว", "Received"),
    "report_status_in_progress": ("กำลังดำเนินการ", "In progress"),
    "report_status_done": ("เสร็จแล้ว", "Done"),
    "licence": ("สัญญาอนุญาต", "Licence"),
    "publisher": ("ผู้เผยแพร่", "Publisher"),
    "updated": ("ปรับปรุงล่าสุด", "Updated"),
    "download": ("ดาวน์โหลด", "Download"),
    "correct_values": ("แก้ไขค่า", "Correct values"),
    "correct_help": (
        "การแก้ไขจะบันทึกเป็นฉบับใหม่ ข้อมูลที่ส่งมาเดิมยังเก็บไว้ครบ",
        "A correction is saved as a new version; the survey as received is kept",
    ),
    "swap_prefilled": (
        "ละติจูดและลองจิจูดถูกสลับให้แล้วตามข้อสังเกต ตรวจดูแล้วกดบันทึก",
        "Latitude and longitude are pre-filled swapped, as the flag suggests: check, then save",
    ),
    "latitude": ("ละติจูด", "Latitude"),
    "longitude": ("ลองจิจูด", "Longitude"),
    "save_correction": ("บันทึกการแก้ไข", "Save correction"),
    "scenario_before": ("ก่อนจัดสรร (หลังทดแทนถังเดิม)", "Before (after replacements)"),
    "scenario_efficiency": ("เน้นจำนวนครัวเรือนรวม", "Efficiency (most households)"),
    "scenario_equity_floor": ("มีเกณฑ์ขั้นต่ำทุกหมู่บ้าน", "With an equity floor"),
    "new_bins": ("ถังใหม่ (ใบ)", "New bins"),
    "dataset_title": ("ชื่อชุดข้อมูล", "Dataset"),
    "status_draft": ("ร่าง", "Draft"),
    "status_published": ("เผยแพร่แล้ว", "Published"),
    "status_superseded": ("แทนที่แล้ว", "Superseded"),
    "state_received": ("รอตรวจ", "Received"),
    "state_approved": ("อนุมัติแล้ว", "Approved"),
    "state_has_issues": ("มีข้อสังเกต", "Has issues"),
    "state_rejected": ("ไม่รับ", "Rejected"),
    "metres_short": ("ม.", "m"),
    "all": ("ทั้งหมด", "All"),
    "error_title": ("ทำรายการไม่สำเร็จ", "Something went wrong"),
    "error_field": ("ช่อง", "Field"),
    "error_code": ("รหัส", "Code"),
    "bin_code": ("รหัสถัง", "Bin code"),
    "filter": ("กรอง", "Filter"),
    "surveyed_from": ("สำรวจตั้งแต่วันที่", "Surveyed from"),
    "surveyed_to": ("ถึงวันที่", "to"),
    "showing": ("จำนวนที่แสดง", "Showing"),
    "first_only": ("แสดงเฉพาะรายการล่าสุด กรุณากรองให้แคบลง", "newest only: narrow the filter"),
    "imported_file": ("ไฟล์นำเข้า", "Imported file"),
    "batch_heading": ("ตัดสินทุกรายการที่ตรงกับตัวกรอง", "Decide every survey matching the filter"),
    "approve_all": ("อนุมัติทั้งหมด", "Approve all"),
    "reject_all": ("ไม่รับทั้งหมด", "Reject all"),
    "surveys_unit": ("รายการ", "surveys"),
    "batch_title_approved": ("ยืนยันการอนุมัติพร้อมกัน", "Confirm: approve all"),
    "batch_title_rejected": ("ยืนยันการไม่รับพร้อมกัน", "Confirm: reject all"),
    "batch_count": ("จำนวนแบบสำรวจที่จะตัดสิน", "Surveys to decide"),
    "batch_to_apply": (
        "ยังไม่อยู่ในทะเบียน: เมื่ออนุมัติจะลงทะเบียน/ปรับปรุงถังตามแบบสำรวจ",
        "Not yet in the register: approving registers or updates their bins",
    ),
    "batch_reject_note": (
        "การไม่รับจะไม่ลบผลสำรวจที่ลงทะเบียนไปแล้ว และแบบสำรวจที่ยังไม่ลงทะเบียนจะไม่ถูกนำเข้าทะเบียน",
        "Rejecting does not undo what is already in the register; held surveys stay out of it",
    ),
    "batch_flags": ("ข้อสังเกตของแบบสำรวจเหล่านี้", "Flags of these surveys"),
    "batch_no_flags": ("ไม่มีข้อสังเกต", "No flags"),
    "batch_filter_used": ("ตัวกรองที่ใช้", "Filter used"),
    "batch_each_recorded": (
        "ทุกรายการจะบันทึกผู้ตัดสินและเวลาแยกกัน เหมือนการตรวจทีละรายการ",
        "Each survey is recorded with who decided and when, as a single review is",
    ),
    "batch_none": ("ไม่มีแบบสำรวจที่ตรงกับตัวกรอง", "No survey matches the filter"),
    "batch_too_many": (
        "มากเกินกว่าที่ตัดสินพร้อมกันได้ กรุณากรองให้แคบลง ตัดสินได้ครั้งละไม่เกิน",
        "Too many to decide at once; narrow the filter. At most",
    ),
    "batch_confirm_approved": ("ยืนยันอนุมัติ", "Confirm: approve"),
    "batch_confirm_rejected": ("ยืนยันไม่รับ", "Confirm: reject"),
    "cancel": ("ยกเลิก", "Cancel"),
    "batch_done_title": ("ผลการตัดสินพร้อมกัน", "Batch decision"),
    "batch_selected": ("แบบสำรวจที่ตรงกับตัวกรอง", "Surveys matching the filter"),
    "batch_decided": ("บันทึกการตัดสินแล้ว", "Decided"),
    "batch_applied_now": ("ลงทะเบียนถังแล้ว (ตอนนี้)", "Applied to the register now"),
    "batch_failed": ("ทำไม่ได้ คงสถานะเดิม", "Not decided, left as they were"),
    "back_to_review": ("กลับไปหน้าตรวจสอบแบบสำรวจ", "Back to the review list"),
    "litres": ("ลิตร", "litres"),
    "latest_version": ("ล่าสุด", "latest"),
    "lowest_village": ("ต่ำสุดรายหมู่บ้าน", "Lowest village"),
    # --- QR stickers ---
    "labels": ("ป้าย QR", "QR stickers"),
    "labels_help": (
        "พิมพ์ป้าย QR บนสติกเกอร์กันน้ำ 70 × 37 มม. (A4 แผ่นละ 24 ดวง) ติดที่ถัง "
        "QR เก็บรหัสถังอย่างเดียว สแกนได้ทั้งแบบฟอร์มมือถือและ ODK Collect",
        "Print QR stickers on weather-proof 70 × 37 mm labels (A4, 24 per sheet) for the bins. "
        "The QR holds the bin code only; the phone form and ODK Collect both scan it",
    ),
    "labels_bins": ("ป้ายของถังในทะเบียน", "Stickers of registered bins"),
    "labels_fresh": ("ป้ายรหัสใหม่ที่ยังไม่ได้ใช้", "Unused fresh-code stickers"),
    "labels_new_batch": ("จองรหัสใหม่และพิมพ์ป้าย", "Reserve new codes and print"),
    "labels_count": ("จำนวนรหัส", "Number of codes"),
    "labels_village": ("หมู่ที่", "Village"),
    "labels_bin_count": ("ถังในทะเบียน", "Registered bins"),
    "labels_issued": ("รหัสที่จองแล้ว", "Codes issued"),
    "labels_unused": ("ยังไม่ได้ใช้", "Not used yet"),
    # --- residents' reports (staff triage) ---
    "reports": ("เรื่องที่ประชาชนแจ้ง", "Residents' reports"),
    "report_ticket": ("เลขที่เรื่อง", "Report"),
    "report_kind": ("เรื่อง", "What"),
    "report_status_open": ("ยังไม่เสร็จ", "Open"),
    "visibility": ("การเผยแพร่", "Visibility"),
    "visibility_pending": ("รอตรวจก่อนเผยแพร่", "Awaiting moderation"),
    "visibility_public": ("เผยแพร่แล้ว", "Public"),
    "visibility_hidden": ("ซ่อน", "Hidden"),
    "order": ("เรียง", "Order"),
    "order_newest": ("ใหม่สุดก่อน", "Newest first"),
    "order_oldest": ("เก่าสุดก่อน", "Oldest first"),
    "nearest_bins": ("ถังในทะเบียนที่ใกล้ที่สุด", "Nearest registered bins"),
    "no_bin_near": ("ไม่มีถังในทะเบียนในระยะ", "No registered bin within"),
    "linked_bin": ("ถังที่เชื่อมไว้", "Linked bin"),
    "link_bin": ("เชื่อมกับถังนี้", "Link to this bin"),
    "link_other_bin": ("เชื่อมกับถังรหัส", "Link to bin code"),
    "unlink_bin": ("ยกเลิกการเชื่อมกับถัง", "Unlink the bin"),
    "merge_into": ("รวมเป็นเรื่องเดียวกับเรื่องเลขที่", "Merge as a duplicate of report"),
    "merge": ("รวมเรื่อง", "Merge"),
    "merged_into_ticket": ("รวมกับเรื่อง", "Merged into"),
    "duplicates": ("เรื่องซ้ำที่รวมไว้", "Merged duplicates"),
    "public_reply": ("คำตอบต่อสาธารณะ", "Public reply"),
    "public_reply_help": (
        "ผู้แจ้งและสาธารณะเห็นคำตอบนี้ (หน้าสถานะเรื่องและ Open311) ห้ามใส่ชื่อหรือเบอร์โทรของผู้แจ้ง",
        "Residents and the public read this (status page, Open311): never a name or phone",
    ),
    "send_reply": ("บันทึกคำตอบ", "Save the reply"),
    "move_to": ("เปลี่ยนสถานะเป็น", "Move to"),
    "close_report": ("ปิดเรื่อง (เสร็จแล้ว)", "Close (done)"),
    "start_work": ("เริ่มดำเนินการ", "Start work"),
    "reopen": ("เปิดเรื่องอีกครั้ง", "Reopen"),
    "contact": ("ผู้แจ้ง (เฉพาะเจ้าหน้าที่)", "Reporter (staff only)"),
    "contact_erased": ("ลบข้อมูลติดต่อแล้วตามระยะเวลาที่แจ้งไว้", "Contact erased after the stated time"),
    "no_contact": ("ไม่ได้ให้ข้อมูลติดต่อ", "No contact given"),
    "report_history": ("ประวัติการดำเนินการ", "What was done"),
    "event_created": ("รับเรื่อง", "Received"),
    "event_status": ("เปลี่ยนสถานะ", "Status"),
    "event_reply": ("ตอบ", "Reply"),
    "event_link": ("เชื่อมกับถัง", "Linked to bin"),
    "event_unlink": ("ยกเลิกการเชื่อม", "Unlinked"),
    "event_merge": ("รวมเข้ากับเรื่อง", "Merged into"),
    "event_supported": ("มีผู้แจ้งซ้ำ", "Reported again"),
    "event_moderation": ("ตรวจการเผยแพร่", "Moderation"),
    "event_reopen": ("เปิดเรื่องอีกครั้ง", "Reopened"),
    "event_contact_erased": ("ลบข้อมูลติดต่อ", "Contact erased"),
    "event_work_order": ("เปิด/สมทบใบงาน", "Work order opened or joined"),
    "by": ("โดย", "By"),
    "when": ("เมื่อ", "When"),
    "resident": ("ประชาชน", "Resident"),
    "open_reports_by_village": ("เรื่องที่ยังไม่เสร็จ รายหมู่บ้าน", "Open reports by village"),
    "outside_villages": ("นอกเขตหมู่บ้าน", "Outside the villages"),
    "open_reports": ("เรื่องค้าง", "Open reports"),
    "citizen_evidence": ("เรื่องที่ประชาชนแจ้งเกี่ยวกับถังนี้", "Residents' reports about this bin"),
    "citizen_evidence_note": (
        "เป็นหลักฐานประกอบ ไม่ใช่ผลการสำรวจ จึงไม่เปลี่ยนสภาพถังในทะเบียน",
        "Evidence alongside the history, not a survey: it does not change the bin's condition",
    ),
    "accept": ("เผยแพร่", "Accept"),
    "hide": ("ซ่อน", "Hide"),
    # --- work orders for the service unit ---
    "work_orders": ("ใบงานหน่วยบริการ", "Work orders"),
    "work_orders_open": ("ใบงานค้าง", "Open orders"),
    "work_orders_overdue": ("เกินกำหนด", "Overdue"),
    "work_orders_help": (
        "ตรวจพบถังชำรุด สูญหาย หรือขยะล้น ระบบเปิดใบงานเอง หน่วยบริการบันทึกว่าเสร็จจากหน้ามือถือ "
        "และการสำรวจครั้งต่อไปที่พบถังใช้งานได้จะยืนยันใบงาน",
        "An inspection finding a bin damaged, missing or overflowing opens an order; the unit "
        "marks it done from its phone page, and the next inspection finding the bin usable "
        "verifies it",
    ),
    "wo_kind_repair": ("ซ่อมถัง", "Repair"),
    "wo_kind_replace": ("ตั้งถังใหม่แทน", "Replace"),
    "wo_kind_extra_collection": ("เก็บขยะเพิ่ม", "Extra collection"),
    "wo_status_open": ("รอมอบงาน", "Open"),
    "wo_status_assigned": ("มอบงานแล้ว", "Assigned"),
    "wo_status_reopened": ("เปิดใหม่", "Reopened"),
    "wo_status_done": ("เสร็จแล้ว รอตรวจยืนยัน", "Done, to verify"),
    "wo_due": ("กำหนดเสร็จ", "Due"),
    "wo_opened": ("พบปัญหาเมื่อ", "Found"),
    "wo_assignee": ("ผู้รับงาน", "Assigned to"),
    "wo_assign": ("มอบงาน", "Assign"),
    "wo_cancel": ("ยกเลิกใบงาน", "Cancel order"),
    "wo_found_usable": ("สำรวจพบใช้งานได้แล้ว", "Found usable since"),
    "wo_phone_page": ("หน้ามือถือของหน่วยบริการ", "The unit's phone page"),
    "synthetic_notice": (
        "ข้อมูลตัวอย่างในระบบนี้เป็นข้อมูลสังเคราะห์ ไม่ใช่ข้อมูลจริง",
        "The sample data in this system is synthetic, not real",
    ),
    # public pages of an install with several subdistricts
    "province_overview": ("ภาพรวมรายตำบล", "Provincial overview"),
    "public_subdistricts": ("หน้าเผยแพร่ของแต่ละตำบล", "Each subdistrict's public page"),
    "public_index_intro": (
        "ระบบนี้ดูแลหลายตำบล เลือกตำบลเพื่อดูทะเบียนถังขยะ แผนที่ และแผนจัดสรรถังขยะของตำบลนั้น",
        "This install serves several subdistricts: choose one to see its bin register, map "
        "and allocation plan.",
    ),
    "subdistrict_code": ("รหัสตำบล", "Subdistrict code"),
    "subdistrict_name": ("ตำบล", "Subdistrict"),
    "all_open_data": (
        "ข้อมูลเปิดของทุกตำบลรวมกัน (มีคอลัมน์รหัสตำบล subdistrict_code)",
        "Open data of every subdistrict together (with a subdistrict_code column)",
    ),
}


WORDS.update(
    {
        f"stage_{s.value}": (PLAN_ITEM_STAGE_TH[s], PLAN_ITEM_STAGE_EN[s].capitalize())
        for s in PlanItemStage
    }
)


def language(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE, "th")
    return lang if lang in LANGUAGES else "th"


def translator(lang: str):  # type: ignore[no-untyped-def]
    """``t(key)`` for templates; unknown keys are shown as they are (visible, not hidden)."""
    index = LANGUAGES.index(lang)

    def t(key: str) -> str:
        pair = WORDS.get(key)
        return pair[index] if pair else key

    return t
