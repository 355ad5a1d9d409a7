"""A KML file cannot make the server read other files: external entities are not expanded."""

from __future__ import annotations

from pathlib import Path

from fieldsvc.errors import FieldsvcError
from fieldsvc.ingest.layers import read_villages
from tests.ingest.conftest import reference_villages, write_my_maps_kml

SECRET = "fieldsvc-secret-3f9c1a"


def test_external_entity_in_kml_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    kml = write_my_maps_kml(reference_villages((102.5, 16.3)), tmp_path / "villages.kml")
    text = kml.read_text(encoding="utf-8")
    doctype = f'<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    text = text.replace("?>", "?>" + doctype, 1).replace(
        "<name>ขอบเขตหมู่บ้าน</name>", "<name>&xxe;</name>", 1
    )
    text = text.replace("<Placemark><name>", "<Placemark><name>&xxe;", 1)
    attack = tmp_path / "attack.kml"
    attack.write_text(text, encoding="utf-8")
    try:
        layer = read_villages(attack)
    except FieldsvcError as refused:  # refusing the file is as good as ignoring the entity
        assert SECRET not in str(refused.as_dict())
        return
    seen = layer.villages.astype(str).to_string() + layer.report.summary()
    assert SECRET not in seen
