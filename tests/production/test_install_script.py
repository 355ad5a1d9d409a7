"""scripts/install-server.sh staged with ``--root``: right content, and a second run changes
nothing."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "install-server.sh"


def install(root: Path, *options: str) -> str:
    done = subprocess.run(
        ["bash", str(SCRIPT), "--root", str(root), *options],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def tree_listing(root: Path) -> list[tuple[str, str, str]]:
    """(path, mode, SHA-256) of every file and folder under ``root``."""
    rows = []
    for path in sorted(root.rglob("*")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        rows.append((str(path.relative_to(root)), oct(path.stat().st_mode), digest))
    return rows


def expected_workers() -> int:
    return max(1, min(8, len(os.sched_getaffinity(0))))


def test_office_lan_install_is_idempotent_and_uses_caddys_internal_ca(tmp_path: Path) -> None:
    first = install(tmp_path, "--lan-address", "192.168.1.10")
    listing = tree_listing(tmp_path)
    second = install(tmp_path, "--lan-address", "192.168.1.10")
    assert "wrote /etc/systemd/system/fieldsvc.service" in first
    assert "nothing changed" in second and "wrote" not in second
    assert tree_listing(tmp_path) == listing

    unit = (tmp_path / "etc/systemd/system/fieldsvc.service").read_text()
    assert (
        "ExecStart=/opt/fieldsvc/venv/bin/uvicorn fieldsvc.api.app:create_app --factory "
        f"--host 127.0.0.1 --port 8000 --workers {expected_workers()} --proxy-headers "
        "--forwarded-allow-ips 127.0.0.1 --no-access-log"
    ) in unit
    assert "Restart=on-failure" in unit and "User=fieldsvc" in unit
    assert "EnvironmentFile=/etc/fieldsvc/fieldsvc.env" in unit
    assert "ExecStartPre=/opt/fieldsvc/venv/bin/fieldsvc db upgrade" in unit

    caddy = (tmp_path / "etc/caddy/Caddyfile").read_text()
    assert "https://192.168.1.10 {\n\ttls internal" in caddy
    assert "reverse_proxy 127.0.0.1:8000" in caddy
    assert "Strict-Transport-Security" not in caddy  # no HSTS for a certificate phones install

    env = (tmp_path / "etc/fieldsvc/fieldsvc.env").read_text().splitlines()
    assert "FIELDSVC_PUBLIC_BASE_URL=https://192.168.1.10" in env
    assert "FIELDSVC_ENVIRONMENT=production" in env  # refuses to start without the https URL
    assert "FIELDSVC_DATA_DIR=/var/lib/fieldsvc" in env
    assert not any(line.startswith("FIELDSVC_DATABASE_URL") for line in env)
    assert oct((tmp_path / "etc/fieldsvc/fieldsvc.env").stat().st_mode)[-3:] == "640"

    page = (tmp_path / "srv/fieldsvc/office-ca/index.html").read_text()
    assert "http://192.168.1.10/office-ca/office-ca.crt" in page
    assert "ติดตั้งใบรับรอง" in page and "Install a certificate" in page

    timer = (tmp_path / "etc/systemd/system/fieldsvc-backup.timer").read_text()
    assert "OnCalendar=*-*-* 02:30:00" in timer and "Persistent=true" in timer
    backup = (tmp_path / "etc/systemd/system/fieldsvc-backup.service").read_text()
    assert "fieldsvc backup --out /var/lib/fieldsvc/backups --keep 14" in backup
    assert (tmp_path / "var/lib/fieldsvc/backups").is_dir()
    admin = (tmp_path / "usr/local/bin/fieldsvc-admin").read_text()
    assert "exec runuser -u fieldsvc -- sh -c 'set -a; . /etc/fieldsvc/fieldsvc.env;" in admin
    assert oct((tmp_path / "usr/local/bin/fieldsvc-admin").stat().st_mode)[-3:] == "755"


def test_domain_install_gets_acme_and_hsts_and_keeps_its_postgres_password(
    tmp_path: Path,
) -> None:
    options = ("--domain", "bins.example.go.th", "--email", "it@example.go.th", "--postgres")
    install(tmp_path, *options)
    listing = tree_listing(tmp_path)
    assert "nothing changed" in install(tmp_path, *options)
    assert tree_listing(tmp_path) == listing

    caddy = (tmp_path / "etc/caddy/Caddyfile").read_text()
    assert caddy.startswith("{\n\temail it@example.go.th\n}\n")
    assert "bins.example.go.th {" in caddy and "tls internal" not in caddy
    assert 'header Strict-Transport-Security "max-age=31536000; includeSubDomains"' in caddy
    assert not (tmp_path / "srv/fieldsvc/office-ca/index.html").exists()
    env = (tmp_path / "etc/fieldsvc/fieldsvc.env").read_text()
    assert "FIELDSVC_PUBLIC_BASE_URL=https://bins.example.go.th\n" in env
    assert "FIELDSVC_DATABASE_URL=postgresql+psycopg://fieldsvc:" in env
    unit = (tmp_path / "etc/systemd/system/fieldsvc.service").read_text()
    assert "After=network-online.target postgresql.service" in unit


def test_a_changed_option_is_applied_on_the_next_run(tmp_path: Path) -> None:
    install(tmp_path, "--lan-address", "192.168.1.10")
    out = install(tmp_path, "--lan-address", "192.168.1.10", "--workers", "3", "--port", "8100")
    assert "wrote /etc/systemd/system/fieldsvc.service" in out and "set FIELDSVC_PORT" in out
    unit = (tmp_path / "etc/systemd/system/fieldsvc.service").read_text()
    assert "--port 8100 --workers 3 " in unit
    env = (tmp_path / "etc/fieldsvc/fieldsvc.env").read_text().splitlines()
    assert env.count("FIELDSVC_PORT=8100") == 1
    assert not any(line == "FIELDSVC_PORT=8000" for line in env)


def test_unknown_option_is_refused(tmp_path: Path) -> None:
    with pytest.raises(subprocess.CalledProcessError) as failed:
        install(tmp_path, "--domian", "typo.example")
    assert failed.value.returncode == 2
    assert "unknown option: --domian" in failed.value.stderr
