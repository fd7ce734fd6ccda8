"""Non-priced effects (DFØ's plus-minus method) as a typed input: each effect with the actors it concerns, its
significance and magnitude, and the reason — the analysis team's proposed assessment."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ejournal_lib.scenario.base import Code, StrictModel

__all__ = ["NonPricedEffects", "NonPricedEffect", "SIGNIFICANCE", "MAGNITUDE"]

SIGNIFICANCE = ("small", "medium", "large")
#: Magnitude from large negative to large positive (−3 … +3).
MAGNITUDE = {
    "large_negative": -3,
    "medium_negative": -2,
    "small_negative": -1,
    "none": 0,
    "small_positive": 1,
    "medium_positive": 2,
    "large_positive": 3,
}


class NonPricedEffect(StrictModel):
    id: Code
    goal: str
    actors: list[Code] = Field(min_length=1)
    significance: Literal["small", "medium", "large"]
    magnitude: Literal[
        "large_negative",
        "medium_negative",
        "small_negative",
        "none",
        "small_positive",
        "medium_positive",
        "large_positive",
    ]
    reason: str


class NonPricedEffects(StrictModel):
    """The file holds the effects the goals name; ``status`` says whose assessment it is."""

    source: str
    status: Literal["proposed_by_analysis_team", "agreed"]
    effects: list[NonPricedEffect] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self):
        ids = [e.id for e in self.effects]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate effect ids: {', '.join(dup)}")
        return self
