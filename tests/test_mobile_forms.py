"""The ODK Collect / KoboCollect forms: built from CSV sources, validated, reproducible."""

from __future__ import annotations

import csv
import importlib.util
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from openpyxl import load_workbook
from pyxform.validators.odk_validate import ODKValidateError

ROOT = Path(__file__).resolve().parents[1]
FORMS_DIR = ROOT / "mobile_forms"
BUILT_DIR = FORMS_DIR / "built"

NS = {
    "h": "http://www.w3.org/1999/xhtml",
    "xf": "http://www.w3.org/2002/xforms",
    "jr": "http://openrosa.org/javarosa",
    "orx": "http://openrosa.org/xforms",
    "odk": "http://www.opendatakit.org/xforms",
}
JR = "{http://openrosa.org/javarosa}"
ORX = "{http://openrosa.org/xforms}"
THAI = "ไทย (th)"
ENGLISH = "English (en)"


def _load_build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_forms", FORMS_DIR / "build_forms.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_forms"] = module
    spec.loader.exec_module(module)
    return module


build_forms = _load_build_module()


@pytest.fixture(scope="module")
def fresh_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full build (with ODK Validate) into a temporary folder, by the documented command in a
    fresh interpreter: the committed files must be what a developer's build makes, whatever
    other tests of this worker left in the process."""
    out = tmp_path_factory.mktemp("built")
    script = FORMS_DIR / "build_forms.py"
    done = subprocess.run(
        [sys.executable, str(script), "--out", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr, done.stderr
    assert done.stdout.strip() == f"bin_survey, village_households: built into {out}"
    return out


def _xform(folder: Path, form_id: str) -> ET.Element:
    return ET.parse(folder / f"{form_id}.xml").getroot()


def _instance_root(xform: ET.Element) -> ET.Element:
    instance = xform.find("h:head/xf:model/xf:instance", NS)
    assert instance is not None
    return instance[0]


def _bind(xform: ET.Element, nodeset: str) -> ET.Element:
    bind = xform.find(f"h:head/xf:model/xf:bind[@nodeset='{nodeset}']", NS)
    assert bind is not None, nodeset
    return bind


def _itext(xform: ET.Element, lang: str, text_id: str) -> str:
    value = xform.find(
        f"h:head/xf:model/xf:itext/xf:translation[@lang='{lang}']/xf:text[@id='{text_id}']/xf:value",
        NS,
    )
    assert value is not None, (lang, text_id)
    return value.text or ""


def _leaf_paths(element: ET.Element, prefix: str = "") -> list[str]:
    path = f"{prefix}/{element.tag.split('}')[-1]}"
    if len(element) == 0:
        return [path]
    return [leaf for child in element for leaf in _leaf_paths(child, path)]


# --- reproducibility --------------------------------------------------------------------------


def test_fresh_build_is_byte_identical_to_committed(fresh_dir: Path) -> None:
    assert sorted(p.name for p in fresh_dir.iterdir()) == [
        "bin_survey.xlsx",
        "bin_survey.xml",
        "bins.csv",
        "village_households.xlsx",
        "village_households.xml",
        "villages.csv",
    ]
    assert build_forms.stale_files(fresh_dir, BUILT_DIR) == []


def test_check_flags_a_hand_edited_built_form(fresh_dir: Path, tmp_path: Path) -> None:
    committed = tmp_path / "built"
    shutil.copytree(fresh_dir, committed)
    xml = committed / "bin_survey.xml"
    xml.write_text(xml.read_text(encoding="utf-8").replace("Bin size", "Size"), encoding="utf-8")
    assert build_forms.stale_files(fresh_dir, committed) == [
        "bin_survey.xml: differs from a fresh build"
    ]
    assert _check(committed).returncode == 1
    assert _check(fresh_dir).returncode == 0


def _check(built: Path) -> subprocess.CompletedProcess[str]:
    """``build_forms.py --check`` against ``built``, as a developer runs it (a fresh interpreter:
    an in-process build inside the parallel test run once wrote other workbook bytes)."""
    script = FORMS_DIR / "build_forms.py"
    return subprocess.run(
        [sys.executable, str(script), "--check", "--skip-validate", "--out", str(built)],
        capture_output=True,
        text=True,
    )


def test_odk_validate_rejects_a_broken_expression(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "xlsform"
    shutil.copytree(build_forms.SOURCE_DIR, sources)
    survey = sources / "bin_survey.survey.csv"
    text = survey.read_text(encoding="utf-8")
    survey.write_text(text.replace("normalize-space(coalesce(", "no_such_fn(coalesce("), "utf-8")
    monkeypatch.setattr(build_forms, "SOURCE_DIR", sources)
    out = tmp_path / "out"
    out.mkdir()
    # pyxform alone accepts the unknown function; only ODK Validate (Java) catches it.
    build_forms.build_form("bin_survey", out, validate=False)
    with pytest.raises(ODKValidateError, match="no_such_fn"):
        build_forms.build_form("bin_survey", out, validate=True)


# --- bin_survey -------------------------------------------------------------------------------


def test_bin_survey_id_version_title_and_default_language(fresh_dir: Path) -> None:
    xform = _xform(fresh_dir, "bin_survey")
    root = _instance_root(xform)
    assert root.tag == "{http://www.w3.org/2002/xforms}data"
    assert root.attrib == {"id": "bin_survey", "version": "2026120301"}
    assert xform.findtext("h:head/h:title", namespaces=NS) == "สำรวจถังขยะ / Bin survey"
    translations = xform.findall("h:head/xf:model/xf:itext/xf:translation", NS)
    assert [(t.get("lang"), t.get("default")) for t in translations] == [
        (THAI, "true()"),
        (ENGLISH, None),
    ]


def test_bin_survey_submission_paths_match_readme(fresh_dir: Path) -> None:
    leaves = _leaf_paths(_instance_root(_xform(fresh_dir, "bin_survey")))
    assert leaves == [
        "/data/start",
        "/data/end",
        "/data/today",
        "/data/deviceid",
        "/data/bin_pick",
        "/data/bin_code_scan",
        "/data/bin_code_typed",
        "/data/bin_code",
        "/data/bin_id",
        "/data/new_entity_id",
        "/data/entity_key",
        "/data/bin_village",
        "/data/registered",
        "/data/only_village",
        "/data/village_choice",
        "/data/village",
        "/data/registered_note",
        "/data/location",
        "/data/condition",
        "/data/capacity_l",
        "/data/stream",
        "/data/bin_capacity_l",
        "/data/bin_stream",
        "/data/last_inspected",
        "/data/households",
        "/data/photo",
        "/data/remarks",
        "/data/meta/entity/label",
        "/data/meta/instanceID",
        "/data/meta/instanceName",
    ]
    assert _readme_paths("bin_survey") == leaves


def test_bin_survey_metadata_preloads(fresh_dir: Path) -> None:
    xform = _xform(fresh_dir, "bin_survey")
    assert _bind(xform, "/data/start").get(f"{JR}preloadParams") == "start"
    assert _bind(xform, "/data/end").get(f"{JR}preloadParams") == "end"
    assert _bind(xform, "/data/today").get(f"{JR}preloadParams") == "today"
    assert _bind(xform, "/data/deviceid").get(f"{JR}preloadParams") == "deviceid"
    assert _bind(xform, "/data/meta/instanceID").get(f"{JR}preload") == "uid"
    assert "/data/bin_code" in _bind(xform, "/data/meta/instanceName").get("calculate", "")


def test_bin_code_is_picked_else_scanned_else_typed(fresh_dir: Path) -> None:
    xform = _xform(fresh_dir, "bin_survey")
    assert _bind(xform, "/data/bin_code_scan").get("type") == "barcode"
    scan = _bind(xform, "/data/bin_code_scan")
    assert re.fullmatch(r"\s*/data/bin_pick\s*=\s*''", scan.get("relevant", ""))
    typed = _bind(xform, "/data/bin_code_typed")
    assert typed.get("required") == "true()"
    assert re.fullmatch(
        r"\s*/data/bin_pick\s*=\s*''\s*and\s*/data/bin_code_scan\s*=\s*''",
        typed.get("relevant", ""),
    )
    calc = re.sub(r"\s+", "", _bind(xform, "/data/bin_code").get("calculate", ""))
    assert calc == (
        "normalize-space(coalesce(instance('bins')/root/item[name=/data/bin_pick]/code,"
        "coalesce(/data/bin_code_scan,/data/bin_code_typed)))"
    )


def test_geopoint_has_capture_and_warning_accuracy(fresh_dir: Path) -> None:
    xform = _xform(fresh_dir, "bin_survey")
    assert _bind(xform, "/data/location").get("type") == "geopoint"
    body_input = xform.find("h:body/xf:input[@ref='/data/location']", NS)
    assert body_input is not None
    # pyxform 4.5 turns capture-accuracy / warning-accuracy into these attributes.
    # the web form's thresholds (mobile_forms/gps_accuracy.json): good at 10 m, poor over 25 m
    assert body_input.get("accuracyThreshold") == "10"
    assert body_input.get("unacceptableAccuracyThreshold") == "25"


def test_photo_is_shrunk_and_optional_only_for_missing_bins(fresh_dir: Path) -> None:
    xform = _xform(fresh_dir, "bin_survey")
    photo = _bind(xform, "/data/photo")
    assert photo.get("type") == "binary"
    assert photo.get(f"{ORX}max-pixels") == "1024"
    assert re.sub(r"\s+", "", photo.get("required", "")) == "/data/condition!='missing'"
    upload = xform.find("h:body/xf:upload[@ref='/data/photo']", NS)
    assert upload is not None and upload.get("mediatype") == "image/*"


def test_households_constraint_and_bilingual_message(fresh_dir: Path) -> None:
    xform = _xform(fresh_dir, "bin_survey")
    bind = _bind(xform, "/data/households")
    assert bind.get("type") == "int"
    assert bind.get("constraint") == ". >= 0 and . <= 500"
    msg_id = "/data/households:jr:constraintMsg"
    assert _itext(xform, THAI, msg_id) == "ต้องเป็นจำนวน 0 ถึง 500 ครัวเรือน"
    assert _itext(xform, ENGLISH, msg_id) == "Must be between 0 and 500 households"


def test_thai_labels_in_itext(fresh_dir: Path) -> None:
    xform = _xform(fresh_dir, "bin_survey")
    assert _itext(xform, THAI, "/data/condition:label") == "สภาพถัง"
    assert _itext(xform, ENGLISH, "/data/condition:label") == "Condition"
    assert _itext(xform, THAI, "/data/location:label") == "ตำแหน่งถัง"
    thai_conditions = [_itext(xform, THAI, f"condition-{i}") for i in range(4)]
    assert thai_conditions == ["ใช้งานได้", "ชำรุด", "สูญหาย", "ขยะล้น"]
    assert _itext(xform, THAI, "stream-0") == "ขยะทั่วไป (ถังสีน้ำเงิน)"
    assert _itext(xform, THAI, "stream-3") == "ขยะอันตราย (ถังสีแดง)"


def _choice_names(xform: ET.Element, list_name: str) -> list[str]:
    path = f"h:head/xf:model/xf:instance[@id='{list_name}']/xf:root/xf:item/xf:name"
    return [name.text or "" for name in xform.findall(path, NS)]


def test_choice_values_match_domain_vocabulary(fresh_dir: Path) -> None:
    from fieldsvc.models import enums

    xform = _xform(fresh_dir, "bin_survey")
    assert _choice_names(xform, "condition") == [c.value for c in enums.Condition]
    assert _choice_names(xform, "stream") == [s.value for s in enums.Stream]
    assert _choice_names(xform, "capacity") == ["120", "200", "240", "660", "1100"]


def test_village_list_comes_from_the_csv_attachment(fresh_dir: Path) -> None:
    for form_id in ("bin_survey", "village_households"):
        xform = _xform(fresh_dir, form_id)
        instance = xform.find("h:head/xf:model/xf:instance[@id='villages']", NS)
        assert instance is not None and instance.get("src") == "jr://file-csv/villages.csv"
        # bin_survey asks the village only when the bin's row and the user's list do not tell
        asked = "/data/village_choice" if form_id == "bin_survey" else "/data/village"
        itemset = xform.find(f"h:body/xf:select1[@ref='{asked}']/xf:itemset", NS)
        assert itemset is not None and itemset.get("nodeset") == "instance('villages')/root/item"
        assert _bind(xform, asked).get("required") == "true()"


def test_sample_villages_csv(fresh_dir: Path) -> None:
    with (fresh_dir / "villages.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["name"] for r in rows] == [str(n) for n in range(1, 11)]
    assert all(r["label"].startswith(f"หมู่ที่ {r['name']} บ้าน") for r in rows)
    assert not (fresh_dir / "villages.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_villages_csv_with_repeated_number_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "villages.csv"
    bad.write_text("name,label\n1,หมู่ที่ 1 บ้านก\n1,หมู่ที่ 1 บ้านข\n", encoding="utf-8")
    with pytest.raises(build_forms.FormBuildError, match="repeated"):
        build_forms.check_villages(bad)


def test_xlsform_workbook_has_the_xlsform_sheets(fresh_dir: Path) -> None:
    wb = load_workbook(fresh_dir / "bin_survey.xlsx")
    assert wb.sheetnames == ["survey", "choices", "settings", "entities"]
    settings = list(wb["settings"].values)
    assert dict(zip(settings[0], settings[1], strict=True))["default_language"] == THAI
    header = next(wb["survey"].values)
    assert header[2:4] == (f"label::{THAI}", f"label::{ENGLISH}")


# --- village_households -----------------------------------------------------------------------


def test_village_households_form(fresh_dir: Path) -> None:
    xform = _xform(fresh_dir, "village_households")
    root = _instance_root(xform)
    assert root.attrib == {"id": "village_households", "version": "2026112601"}
    leaves = _leaf_paths(root)
    assert leaves == [
        "/data/start",
        "/data/end",
        "/data/today",
        "/data/deviceid",
        "/data/village",
        "/data/households",
        "/data/population",
        "/data/survey_date",
        "/data/remarks",
        "/data/meta/instanceID",
        "/data/meta/instanceName",
    ]
    assert _readme_paths("village_households") == leaves
    for field in ("households", "population"):
        bind = _bind(xform, f"/data/{field}")
        assert (bind.get("type"), bind.get("constraint"), bind.get("required")) == (
            "int",
            ". >= 0",
            "true()",
        )
    assert _bind(xform, "/data/survey_date").get("type") == "date"
    default = xform.find("h:head/xf:model/xf:setvalue[@ref='/data/survey_date']", NS)
    assert default is not None and default.get("value") == "today()"
    assert _itext(xform, THAI, "/data/population:label") == "จำนวนประชากร (คน)"


def _readme_paths(form_id: str) -> list[str]:
    """XPaths listed in the README table for one form (the server's documentation)."""
    text = (FORMS_DIR / "README.md").read_text(encoding="utf-8")
    section = text.split(f"### Submission fields: `{form_id}`", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\|[^|]*\| `(/data/[^`]+)` \|", section, flags=re.MULTILINE)
