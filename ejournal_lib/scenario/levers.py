"""Levers: one named change to a group of cost–benefit inputs, expressed as the scenario overrides it makes.

A lever scales a group of inputs by a factor (all investment items, every service's minutes saved, the
transition cost's productivity loss, the operation cost), shifts a path by whole years (the municipal
roll-out, the realisation curve) or caps or floors participation (the municipal share live, the GPs' final
share).
Sensitivities, the scenario file's ``levers`` block and ``--vary levers.NAME=…`` use the same levers, so
that «+30 % investment» means the same everywhere, and each change is named by what it is.

>>> sorted(LEVERS)[:3]
['gp_share_cap', 'gp_share_floor', 'investment_factor']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import Field, ValidationError

from ejournal_lib.common.errors import ConfigError
from ejournal_lib.scenario.base import Positive, Share, StrictModel
from ejournal_lib.scenario.cba import CBAInputs
from ejournal_lib.scenario.overrides import apply_overrides

__all__ = [
    "Levers",
    "apply_levers",
    "LEVERS",
    "lever_overrides",
    "scale_investment",
    "scale_time_savings",
    "scale_transition_cost",
    "scale_operation",
    "shift_rollout",
    "delay_realisation",
]


def scale_investment(inputs: CBAInputs, factor: float) -> dict:
    """Every investment item's base, P50 and P85 frame × ``factor``."""
    return {
        f"investment.items.{item}.{col}": float(r[col]) * factor
        for item, r in inputs.investment_table.iterrows()
        for col in ("base_mnok", "p50_mnok", "p85_mnok")
    }


def scale_time_savings(inputs: CBAInputs, factor: float | Mapping[str, float]) -> dict:
    """Every service's minutes saved a day × ``factor`` (one number, or one per service)."""
    minutes = inputs.service_table["minutes_saved_per_day"]
    per = factor if isinstance(factor, Mapping) else dict.fromkeys(minutes.index, factor)
    return {f"services.table.{s}.minutes_saved_per_day": float(minutes[s]) * float(per[s]) for s in minutes.index}


def scale_transition_cost(inputs: CBAInputs, factor: float) -> dict:
    """The productivity loss of every transition phase × ``factor`` (its months unchanged)."""
    phases = [{"loss": ph.loss * factor, "months": ph.months} for ph in inputs.transition.productivity_loss_phases]
    return {"transition.productivity_loss_phases": phases}


def scale_operation(inputs: CBAInputs, factor: float) -> dict:
    """The yearly operation, management and development cost × ``factor``."""
    return {
        "operation.cost_per_year_full_participation_mnok": inputs.operation.cost_per_year_full_participation_mnok
        * factor
    }


def shift_rollout(inputs: CBAInputs, years: float) -> dict:
    """The municipal roll-out curve moved ``years`` whole years later (earlier when negative)."""
    shift = _whole(years, "rollout_shift_years")
    shares = inputs.participation.municipal_share_by_year
    return {"participation.municipal_share_by_year": {int(y) + shift: v for y, v in shares.items()}}


def delay_realisation(inputs: CBAInputs, years: float) -> dict:
    """The realisation curve starts ``years`` whole years after go-live (nothing realised before)."""
    delay = _whole(years, "realisation_delay_years")
    if delay < 0:
        raise ConfigError(f"realisation_delay_years: expected 0 or more whole years, got {years}")
    curve = list(inputs.participation.realisation_by_year_since_golive)
    return {"participation.realisation_by_year_since_golive": [0.0] * delay + curve}


def cap_municipal_share(inputs: CBAInputs, cap: float) -> dict:
    """The municipal share live in each year at most ``cap`` (the roll-out stops there)."""
    shares = inputs.participation.municipal_share_by_year
    return {"participation.municipal_share_by_year": {y: min(v, cap) for y, v in shares.items()}}


def cap_gp_share(inputs: CBAInputs, cap: float) -> dict:
    """The GPs' final share (and the share joining at go-live) at most ``cap``."""
    p = inputs.participation
    return {
        "participation.gp_final_share": min(p.gp_final_share, cap),
        "participation.gp_join_share_at_golive": min(p.gp_join_share_at_golive, cap),
    }


def floor_municipal_share(inputs: CBAInputs, floor: float) -> dict:
    """The municipal share live at least ``floor`` in every year the roll-out has started (before its first
    go-live nothing is live)."""
    shares = inputs.participation.municipal_share_by_year
    return {"participation.municipal_share_by_year": {y: max(v, floor) if v > 0 else v for y, v in shares.items()}}


def floor_gp_share(inputs: CBAInputs, floor: float) -> dict:
    """The GPs' final share at least ``floor``."""
    return {"participation.gp_final_share": max(inputs.participation.gp_final_share, floor)}


def _whole(value: float, name: str) -> int:
    if float(value) != int(value):
        raise ConfigError(f"{name}: expected whole years, got {value}")
    return int(value)


#: Every lever by its name (as used in a sweep, a what-if or a sensitivity).
LEVERS: dict[str, Callable[[CBAInputs, float], dict]] = {
    "investment_factor": scale_investment,
    "time_savings_factor": scale_time_savings,
    "transition_factor": scale_transition_cost,
    "operation_factor": scale_operation,
    "rollout_shift_years": shift_rollout,
    "realisation_delay_years": delay_realisation,
    "municipal_share_cap": cap_municipal_share,
    "gp_share_cap": cap_gp_share,
    "municipal_share_floor": floor_municipal_share,
    "gp_share_floor": floor_gp_share,
}


class Levers(StrictModel):
    """The scenario file's ``levers`` block: every lever at its neutral value unless set (a factor of 1, no
    shift, no cap). The scenario's model inputs are the file's with the levers applied."""

    investment_factor: Positive = 1.0
    time_savings_factor: Annotated[float, Field(ge=0)] = 1.0
    transition_factor: Annotated[float, Field(ge=0)] = 1.0
    operation_factor: Annotated[float, Field(ge=0)] = 1.0
    rollout_shift_years: Annotated[int, Field(ge=-10, le=10)] = 0
    realisation_delay_years: Annotated[int, Field(ge=0, le=10)] = 0
    municipal_share_cap: Share = 1.0
    gp_share_cap: Share = 1.0
    municipal_share_floor: Share = 0.0
    gp_share_floor: Share = 0.0

    def set(self) -> dict[str, float]:
        """The levers that change something (name → value), in the block's order."""
        neutral = Levers()
        return {k: v for k, v in self.model_dump().items() if v != getattr(neutral, k)}


def lever_overrides(inputs: CBAInputs, levers: Mapping[str, float]) -> dict:
    """The ``cba`` overrides of several levers at once (later levers see the inputs earlier ones set)."""
    out: dict = {}
    for name, value in levers.items():
        if name not in LEVERS:
            raise ConfigError(f"unknown lever {name!r}; valid: {', '.join(sorted(LEVERS))}")
        step = LEVERS[name](inputs.with_overrides(out) if out else inputs, value)
        out.update(step)
    return out


def apply_levers(data: Any) -> Any:
    """A scenario file's data with its ``levers`` applied to its ``cba`` section, lever by lever; a lever whose
    result breaks a rule names itself, its value and the rule (a ValueError, reported as the file's problem).
    A cba section or levers block with errors of its own is returned unchanged, for its own check to report."""
    if not isinstance(data, dict) or not isinstance(data.get("levers"), dict) or not isinstance(data.get("cba"), dict):
        return data
    try:
        chosen = Levers.model_validate(data["levers"]).set()
        if not chosen:  # every lever neutral (the default): nothing to apply, the cba section checked once
            return data
        cba = CBAInputs.model_validate(data["cba"])
    except ValidationError:
        return data
    section = data["cba"]
    for name, value in chosen.items():
        try:
            changes = lever_overrides(cba, {name: value})
            cba = cba.with_overrides(changes)
        except ConfigError as exc:
            rule = str(exc).splitlines()[-1].strip(" -")
            raise ValueError(f"levers.{name} = {value}: {rule}") from None
        section = apply_overrides(section, changes)
    return {**data, "cba": section}
