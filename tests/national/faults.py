"""Test hooks for the national run: tasks that fail on purpose.

``run_national(task=...)`` takes any function with the task's signature; these wrap the real
:func:`~fieldsvc.services.national_task.analyse_subdistrict` (bound with ``functools.partial``,
which pickles to any worker that can import ``tests``). Attempts are counted in marker files
under ``marker_dir``, so a retry on another worker process still sees the earlier attempts.
Production code never sees them: the command line always runs the real task.
"""

from __future__ import annotations

import os
from pathlib import Path

from fieldsvc.services.national_task import (
    NationalParameters,
    SubdistrictOutcome,
    analyse_subdistrict,
)


def attempts(marker_dir: Path, subdistrict_id: int) -> int:
    return len(list(Path(marker_dir).glob(f"attempt-{subdistrict_id}-*")))


def _mark_attempt(marker_dir: Path, subdistrict_id: int) -> int:
    """Record one attempt (atomically, across processes); returns its number, from 1."""
    for number in range(1, 100):
        try:
            fd = os.open(
                Path(marker_dir) / f"attempt-{subdistrict_id}-{number}",
                os.O_CREAT | os.O_EXCL | os.O_WRONLY,
            )
        except FileExistsError:
            continue
        os.close(fd)
        return number
    raise AssertionError("too many attempts")


def fail_first_attempt(
    marker_dir: Path,
    failing_id: int,
    database_url: str,
    subdistrict_id: int,
    parameters: NationalParameters,
) -> SubdistrictOutcome:
    """Subdistrict ``failing_id`` raises on its first attempt, as a lost connection would."""
    attempt = _mark_attempt(marker_dir, subdistrict_id)
    if subdistrict_id == failing_id and attempt == 1:
        raise ConnectionError(f"injected: subdistrict {subdistrict_id}, attempt {attempt}")
    return analyse_subdistrict(database_url, subdistrict_id, parameters)


def always_fail(
    marker_dir: Path,
    failing_id: int,
    database_url: str,
    subdistrict_id: int,
    parameters: NationalParameters,
) -> SubdistrictOutcome:
    """Subdistrict ``failing_id`` raises on every attempt."""
    _mark_attempt(marker_dir, subdistrict_id)
    if subdistrict_id == failing_id:
        raise RuntimeError(f"injected: subdistrict {subdistrict_id} always fails")
    return analyse_subdistrict(database_url, subdistrict_id, parameters)
