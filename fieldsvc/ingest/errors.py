"""Errors raised while reading boundary and point files, with stable codes.

Each code is an entry of the problem catalogue (``fieldsvc/problems/files.py``) with one
bilingual message template that names the file and says what was expected, so a CLI, a web
handler or a log prints the same text.
"""

from __future__ import annotations

from fieldsvc.errors import ImportFailed
from fieldsvc.problems import problem


class LayerReadError(ImportFailed):
    """A boundary or point file cannot be read; never raised for a single bad row.

    An ``ImportFailed`` (HTTP 422 in the API, a clean message in the CLI) whose ``code``
    says which problem it is.

    Parameters
    ----------
    code : str
        Stable machine-readable code, a key of the problem catalogue (e.g. ``"empty_file"``).
    file : str
        The file name as the user knows it (no temporary paths).
    **params : object
        Values for the message templates.

    Attributes
    ----------
    code, file : str
    message_th, message_en : str
        The Thai and English messages; ``str(error)`` is both, Thai first.
    details : dict
        ``{"file": ..., **params}`` for the API's error body.

    Examples
    --------
    >>> err = LayerReadError("empty_file", file="villages.shp")
    >>> err.code
    'empty_file'
    >>> "villages.shp" in err.message_en
    True
    """

    def __init__(self, code: str, *, file: str, **params: object) -> None:
        message_th, message_en = problem(code).render(**params, file=file)
        super().__init__(
            message_en,
            message_th=message_th,
            details={"file": file, **{k: str(v) for k, v in params.items()}},
            code=code,  # the specific problem, not ImportFailed's generic code
        )
        self.file = file

    def __str__(self) -> str:
        return f"{self.message_th}\n{self.message_en}"
