"""Small vectorised statistics used by coverage and allocation."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def grouped_quantiles(
    values: npt.ArrayLike,
    groups: npt.ArrayLike,
    n_groups: int,
    quantiles: Sequence[float],
) -> FloatArray:
    """Quantiles of ``values`` within each integer group, without a Python loop.

    Uses the same linear interpolation as :func:`numpy.quantile`. NaN values are ignored;
    groups with no values give NaN.

    Returns
    -------
    ndarray of shape (n_groups, len(quantiles))
    """
    vals = np.asarray(values, dtype=float)
    grp = np.asarray(groups, dtype=np.intp)
    keep = ~np.isnan(vals)
    vals, grp = vals[keep], grp[keep]
    # Sort by value, then stably by group: with small group ids the second sort is a
    # radix sort, several times faster than np.lexsort on a million rows.
    by_value = np.argsort(vals)
    group_dtype = np.uint16 if n_groups <= 2**16 else np.int64
    order = by_value[np.argsort(grp[by_value].astype(group_dtype), kind="stable")]
    sorted_vals = vals[order]
    counts = np.bincount(grp, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    out = np.full((n_groups, len(quantiles)), np.nan)
    has = counts > 0
    for k, q in enumerate(quantiles):
        pos = (counts[has] - 1) * q
        lo = np.floor(pos).astype(np.intp)
        hi = np.ceil(pos).astype(np.intp)
        a = sorted_vals[starts[has] + lo]
        b = sorted_vals[starts[has] + hi]
        frac = pos - lo
        # a + (b - a) * frac would give NaN for inf values; handle equal ends exactly.
        out[has, k] = np.where(a == b, a, a + (b - a) * frac)
    return out


def gini(values: npt.ArrayLike) -> float:
    """Gini coefficient of non-negative values (0 = equal, → 1 = concentrated).

    NaN values are ignored; returns NaN when there are no values or they sum to 0.

    Examples
    --------
    >>> gini([1.0, 1.0, 1.0])
    0.0
    >>> round(gini([0.0, 0.0, 1.0]), 4)
    0.6667
    """
    x = np.asarray(values, dtype=float)
    x = np.sort(x[~np.isnan(x)])
    n = len(x)
    if n == 0 or x.sum() <= 0:
        return float("nan")
    ranks = np.arange(1, n + 1)
    return float(2.0 * np.sum(ranks * x) / (n * x.sum()) - (n + 1.0) / n)
