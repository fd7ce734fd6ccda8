"""Goal-seek: the root of a function in a bracket, by Brent's method (``scipy.optimize.brentq``), with the
function's values at both ends so that a caller can say why there is none. The break-evens and ``ejournal
solve`` share it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scipy import optimize

__all__ = ["Root", "bracketed_root"]


@dataclass(frozen=True)
class Root:
    """``value`` where ``fn`` is zero (None when the bracket holds no sign change), the values at the ends."""

    value: float | None
    at_lo: float
    at_hi: float


def bracketed_root(fn: Callable[[float], float], lo: float, hi: float, xtol: float = 1e-10) -> Root:
    """The x in [``lo``, ``hi``] where ``fn(x) = 0``; ``value`` is None if ``fn`` has the same sign at both ends.

    >>> r = bracketed_root(lambda x: x * x - 2.0, 0.0, 2.0)
    >>> round(r.value, 9), r.at_lo, r.at_hi
    (1.414213562, -2.0, 2.0)
    >>> bracketed_root(lambda x: x + 1.0, 0.0, 1.0).value is None
    True
    """
    at_lo, at_hi = float(fn(lo)), float(fn(hi))
    if at_lo == 0:
        return Root(lo, at_lo, at_hi)
    if at_hi == 0:
        return Root(hi, at_lo, at_hi)
    if at_lo * at_hi > 0:
        return Root(None, at_lo, at_hi)
    return Root(float(optimize.brentq(fn, lo, hi, xtol=xtol, rtol=1e-12)), at_lo, at_hi)
