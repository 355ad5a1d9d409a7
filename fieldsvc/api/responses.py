"""The API's JSON answers: strict JSON, in which a number that is not finite is ``null``.

JSON has no NaN or infinity. Analysis results can hold them (a capacity ratio where a village
makes no waste of a stream, an overflow from absurd input), and Starlette's JSONResponse
refuses them with a server error. This response writes them as ``null`` instead — the
ordinary path costs nothing extra: the cleaning pass runs only when strict encoding fails.
"""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi.responses import JSONResponse


def without_non_finite(content: Any) -> Any:
    """``content`` with every NaN / ±inf float replaced by None (lists and dicts walked)."""
    if isinstance(content, float):
        return content if math.isfinite(content) else None
    if isinstance(content, dict):
        return {key: without_non_finite(value) for key, value in content.items()}
    if isinstance(content, list | tuple):
        return [without_non_finite(value) for value in content]
    return content


class StrictJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except ValueError:  # "Out of range float values are not JSON compliant"
            return json.dumps(
                without_non_finite(content),
                ensure_ascii=False,
                allow_nan=False,
                indent=None,
                separators=(",", ":"),
            ).encode("utf-8")
