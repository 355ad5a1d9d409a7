"""The problem catalogue: every error and every survey flag fieldsvc can report.

Each ``Problem`` has a stable catalogue ``key``, the public ``code`` people and clients see
(the ``"code"`` of the JSON error, the code of a flag; usually the key itself, several keys can
share a generic code such as ``invalid_input``), a severity, the HTTP status of errors, and one
Thai and one English message template with named parameters (``str.format`` style).

Severity says what happens next:

* ``"error"`` — the request, file or row is refused (an exception with an HTTP ``status``,
  or a row left out of an import);
* ``"hold"`` — a survey flag that holds the survey back from the register until staff decide
  (stored on the flag as ``"reject"``);
* ``"note"`` — a survey flag that lets the survey through and asks staff to look
  (stored on the flag as ``"review"``), or a row of an import loaded after a repair.

This module holds the shape of an entry; the entries are in the sibling modules, one per
area, and ``fieldsvc.problems`` gathers them. It imports nothing of fieldsvc, so every layer
(the pure analysis too) may use it.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Literal

Severity = Literal["error", "hold", "note"]
#: What a problem is about: a refused request or file (an exception with an HTTP status), a
#: survey that was kept (a flag), or one row of an imported file (a note of the import report).
Scope = Literal["request", "survey", "row"]

_FORMATTER: Final = string.Formatter()

#: The bin-code rule in words, shared by the request error and the import-row note (the
#: pattern itself is ``fieldsvc.ingest.values.BIN_CODE_PATTERN``).
BIN_CODE_RULE_TH: Final = (
    "ใช้ได้เฉพาะตัวอักษรไทยหรืออังกฤษ ตัวเลข และเครื่องหมาย . _ / - ขึ้นต้นด้วยตัวอักษรหรือตัวเลข "
    "ยาวไม่เกิน 40 ตัว เช่น NB-0101"
)
BIN_CODE_RULE_EN: Final = (
    "letters (Thai or Latin), digits and . _ / - only, starting with a letter or digit, "
    "at most 40 characters, e.g. NB-0101"
)


def template_fields(template: str) -> frozenset[str]:
    """Names of the ``{placeholders}`` in a ``str.format`` template."""
    names = set()
    for _, name, _, _ in _FORMATTER.parse(template):
        if name is not None:
            names.add(name.split(".")[0].split("[")[0])
    return frozenset(names)


@dataclass(frozen=True)
class Problem:
    """One entry of the catalogue.

    Parameters
    ----------
    key
        Stable catalogue key, unique (e.g. ``"user_exists"``).
    severity
        ``"error"``, ``"hold"`` or ``"note"`` (see the module docstring).
    scope
        ``"request"``, ``"survey"`` or ``"row"`` (see ``Scope``).
    th, en
        Message templates; every name in ``params`` fills them.
    params
        The named parameters the templates take (space-separated in the table).
    code
        The public code; empty means the key itself.
    status
        HTTP status of an error; ``None`` for flags.
    label_th, label_en
        Short label of a flag code for filters and lists (on the entry whose key is its code).
    defaults
        Values used for parameters a caller may leave out.
    """

    key: str
    severity: Severity
    scope: Scope
    th: str
    en: str
    params: tuple[str, ...] = ()
    code: str = ""
    status: int | None = None
    label_th: str = ""
    label_en: str = ""
    defaults: Mapping[str, object] = field(default_factory=dict)

    @property
    def public_code(self) -> str:
        return self.code or self.key

    def render(self, /, **params: object) -> tuple[str, str]:
        """Return the Thai and English messages filled with ``params``.

        Raises
        ------
        TypeError
            When a parameter is missing or not declared: a call site and the catalogue disagree.
        """
        values = {**self.defaults, **params}
        unknown = set(values) - set(self.params)
        missing = set(self.params) - set(values)
        if unknown or missing:
            raise TypeError(
                f"problem {self.key!r} takes {sorted(self.params)}; "
                f"missing {sorted(missing)}, unknown {sorted(unknown)}"
            )
        return self.th.format(**values), self.en.format(**values)


def entry(
    key: str,
    severity: Severity,
    th: str,
    en: str,
    *,
    params: str = "",
    code: str = "",
    status: int | None = None,
    label: tuple[str, str] = ("", ""),
    defaults: Mapping[str, object] | None = None,
    scope: Scope | None = None,
) -> Problem:
    """Build a ``Problem`` from one row of the catalogue table (params space-separated).

    The scope defaults to ``"survey"`` for the flag severities and ``"request"`` for errors.
    """
    return Problem(
        key=key,
        severity=severity,
        scope=scope or ("request" if severity == "error" else "survey"),
        th=th,
        en=en,
        params=tuple(params.split()),
        code=code,
        status=status,
        label_th=label[0],
        label_en=label[1],
        defaults=MappingProxyType(dict(defaults or {})),
    )
