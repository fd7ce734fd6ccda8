"""Governance configuration as typed models: the change log, stop points with their criteria, phases and
milestones, the goal register and the benefit realisation plan (DFØ)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ejournal_lib.scenario.base import Code, StrictModel

__all__ = [
    "ChangeLog",
    "Change",
    "StatusStep",
    "StopPointConfig",
    "StopPoint",
    "RuleCriterion",
    "ManualCriterion",
    "GoalRegister",
    "Goal",
    "BenefitPlan",
    "Benefit",
    "BenefitIndicator",
    "CHANGE_STATUSES",
    "CHANGE_CATEGORIES",
    "NEXT_STATUS",
]

CHANGE_STATUSES = ("identified", "assessed", "decided", "rejected", "implemented")
CHANGE_CATEGORIES = ("scope", "cost", "benefit", "risk", "schedule", "method", "participation")
#: Which status may follow which (None: the first step).
NEXT_STATUS = {
    None: {"identified"},
    "identified": {"assessed", "rejected"},
    "assessed": {"decided", "rejected"},
    "decided": {"implemented"},
    "rejected": set(),
    "implemented": set(),
}
Scalar = bool | int | float | str


class StatusStep(StrictModel):
    status: Literal["identified", "assessed", "decided", "rejected", "implemented"]
    date: dt.date
    by: Annotated[str, Field(min_length=1)]


class OverlayValue(StrictModel):
    """A parameter's value before (``from``) and after (``to``) a change; checked when the overlay is applied."""

    from_: Any = Field(alias="from")
    to: Any


class Change(StrictModel):
    id: Annotated[str, Field(min_length=1)]
    date: dt.date
    title: str
    description: str
    category: Literal["scope", "cost", "benefit", "risk", "schedule", "method", "participation"]
    rationale: str
    status_history: list[StatusStep] = Field(min_length=1)
    overlay: dict[str, OverlayValue] | None = None
    overlay_note: str | None = None
    #: Whether the dates and deciders of its steps are documented or illustrative (default: the file's word).
    history_kind: Literal["documented", "illustrative"] | None = None

    @model_validator(mode="after")
    def _history(self):
        problems, prev, prev_date = [], None, None
        for j, step in enumerate(self.status_history):
            if step.status not in NEXT_STATUS[prev]:
                problems.append(
                    f"status_history[{j}]: '{step.status}' cannot follow "
                    f"{repr(prev) if prev else 'the start'} (allowed: {', '.join(sorted(NEXT_STATUS[prev]))})"
                )
            if prev_date is not None and step.date < prev_date:
                problems.append(f"status_history[{j}]: dated {step.date}, before the previous step ({prev_date})")
            prev, prev_date = step.status, step.date
        if self.overlay and self.overlay_note:
            problems.append("give either an overlay or an overlay_note, not both")
        if problems:
            raise ValueError(f"{self.id}: " + "; ".join(problems))
        return self

    @property
    def current(self) -> StatusStep:
        return self.status_history[-1]


class ChangeLog(StrictModel):
    source: str
    illustrative_history: bool = False  # dates and deciders of the steps are illustrative, not documented
    changes: list[Change]

    def history_kind(self, change: Change) -> str:
        """``documented`` or ``illustrative``: the change's own word, else the file's."""
        return change.history_kind or ("illustrative" if self.illustrative_history else "documented")

    @model_validator(mode="after")
    def _unique(self):
        ids = [c.id for c in self.changes]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate change ids: {', '.join(dup)}")
        return self


class TableRef(StrictModel):
    table: Code
    column: Code
    where: dict[Code, Scalar] = {}


class RuleCriterion(StrictModel):
    id: str
    text: str
    type: Literal["rule"]
    table: Code
    column: Code
    where: dict[Code, Scalar] = {}
    op: Literal[">", ">=", "<", "<=", "==", "contains_all", "share_equal"]
    threshold: float | list[str] | None = None
    threshold_from: TableRef | None = None
    value: Scalar | None = None
    unit: Literal["mnok", "share", "count", "number"] = "number"  # how value and threshold are shown

    @model_validator(mode="after")
    def _threshold(self):
        if (self.threshold is None) == (self.threshold_from is None):
            raise ValueError(f"{self.id}: give exactly one of threshold and threshold_from")
        if self.op == "share_equal" and self.value is None:
            raise ValueError(f"{self.id}: op share_equal needs the value to count")
        if isinstance(self.threshold, list) != (self.op == "contains_all"):
            raise ValueError(
                f"{self.id}: a list of codes as threshold goes with op contains_all, a number with the others"
            )
        return self


class ManualCriterion(StrictModel):
    id: str
    text: str
    type: Literal["manual"]
    status: Literal["met", "not_met", "not_assessable"]
    assessment: str
    assessed_by: str
    date: dt.date | None


Criterion = Annotated[RuleCriterion | ManualCriterion, Field(discriminator="type")]


class StopPoint(StrictModel):
    id: str
    date: dt.date
    title: str
    criteria: list[Criterion]


class Phase(StrictModel):
    phase: str
    start: dt.date
    end: dt.date


class Milestone(StrictModel):
    milestone: str
    date: dt.date


class StopPointConfig(StrictModel):
    """Stop points SP1–SP4 with entry criteria, phases and milestones, and the cost-estimate settings."""

    steering_target_p50_mnok: Annotated[float, Field(gt=0)]
    cost_correlation: Annotated[float, Field(ge=-1, le=1)]
    phases: list[Phase] = []
    milestones: list[Milestone] = []
    stop_points: list[StopPoint]


class Goal(StrictModel):
    """A goal with its indicator and targets. Fields may be left empty: the goal register flags what a
    verifiable goal lacks rather than refusing the file."""

    id: str
    level: Literal["effect_goal", "sub_goal", "result_goal"]
    goal: str
    indicator: str = ""
    unit: str = ""
    baseline: float | None = None
    baseline_from: str | None = None
    expected: float | None = None
    low: float | None = None
    high: float | None = None
    deadline: str = ""
    source: str = ""
    frequency: str = ""
    owner: str = ""
    priority: Annotated[int, Field(ge=1, le=5)] | None = None


class GoalRegister(StrictModel):
    source: str
    goals: list[Goal]

    @model_validator(mode="after")
    def _unique(self):
        ids = [g.id for g in self.goals]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate goal ids: {', '.join(dup)}")
        return self


class BenefitIndicator(StrictModel):
    id: str
    indicator: str
    unit: str
    service: Code | None = None
    expected: float
    low: float
    high: float
    baseline: float | None = None
    baseline_year: int | None = None

    @model_validator(mode="after")
    def _range(self):
        if not self.low <= self.expected <= self.high:
            raise ValueError(f"{self.id}: expected low ≤ expected ≤ high")
        return self


class Benefit(StrictModel):
    id: str
    title: str
    sub_goal: str
    owner: str
    cause_effect_chain: str
    change_indicators: str
    risks: str
    how_measured: str
    indicators: list[BenefitIndicator] = Field(min_length=1)
    deadline: str


class BenefitPlan(StrictModel):
    source: str
    benefits: list[Benefit] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self):
        ids = [i.id for b in self.benefits for i in b.indicators]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate indicator ids: {', '.join(dup)}")
        return self

    @property
    def indicators(self) -> dict[str, BenefitIndicator]:
        return {i.id: i for b in self.benefits for i in b.indicators}
