"""Non-priced effects by the plus-minus method (DFØ, Veileder i samfunnsøkonomiske analyser, 2018): an
effect's significance (small, medium, large) and magnitude (large negative … large positive) give its
consequence on a scale from −4 to +4."""

from __future__ import annotations

import pandas as pd

from ejournal_lib.scenario.non_priced import MAGNITUDE, NonPricedEffects

__all__ = ["consequence", "non_priced_table", "CONSEQUENCE_MATRIX"]

#: Consequence by magnitude (rows, −3 … +3) and significance (small, medium, large): DFØ's matrix.
CONSEQUENCE_MATRIX = {
    3: (2, 3, 4),
    2: (1, 2, 3),
    1: (0, 1, 2),
    0: (0, 0, 0),
    -1: (0, -1, -2),
    -2: (-1, -2, -3),
    -3: (-2, -3, -4),
}
_SIGNIFICANCE_COLUMN = {"small": 0, "medium": 1, "large": 2}


def consequence(significance: str, magnitude: str) -> int:
    """The consequence (−4 … +4) of an effect with the given significance and magnitude.

    >>> consequence("large", "medium_positive"), consequence("small", "small_negative"), consequence("medium", "large_negative")
    (3, 0, -3)
    """
    return CONSEQUENCE_MATRIX[MAGNITUDE[magnitude]][_SIGNIFICANCE_COLUMN[significance]]


def non_priced_table(effects: NonPricedEffects) -> pd.DataFrame:
    """One row per effect: id, the goal it belongs to, actors, significance, magnitude, consequence (−4 … +4),
    its plus-minus symbol, the reason, and whose assessment it is."""
    rows = []
    for e in effects.effects:
        c = consequence(e.significance, e.magnitude)
        rows.append(
            {
                "effect_id": e.id,
                "goal": e.goal,
                "actors": ", ".join(e.actors),
                "significance": e.significance,
                "magnitude": e.magnitude,
                "consequence": c,
                "symbol": ("+" * c) if c > 0 else ("−" * -c) if c else "0",
                "reason": e.reason,
                "assessment_status": effects.status,
            }
        )
    return pd.DataFrame(rows)
