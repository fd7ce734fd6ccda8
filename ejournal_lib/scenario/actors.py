"""Who gains and who pays: the actor mapping file (``config/actor_mapping.yaml``) as a typed model.

Every effect × service is assigned to actors with shares summing to 1; investment and operation follow a
financing key. A rule is either ``{actor: share, …}`` or ``benefit_share`` (split like the benefits).
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from ejournal_lib.scenario.base import Code, Share, StrictModel

__all__ = ["ActorMapping", "Actor", "EffectRule", "FinancingKey", "Rule"]

Rule = dict[Code, Share] | Literal["benefit_share"]


class Actor(StrictModel):
    public: bool


class EffectRule(StrictModel):
    default: Rule
    services: dict[Code, Rule] = {}


class FinancingKey(StrictModel):
    investment: dict[Code, Rule]
    operation: Rule


class ActorMapping(StrictModel):
    """Actors (public or not), the rule per effect (and per service) and the financing keys."""

    actors: dict[Code, Actor]
    effects: dict[Code, EffectRule]
    financing_keys: dict[Code, FinancingKey]

    @model_validator(mode="after")
    def _rules(self):
        problems = []

        def check(rule, where):
            if rule == "benefit_share":
                return
            for actor in rule:
                if actor not in self.actors:
                    problems.append(f"{where}: unknown actor '{actor}'; valid: {', '.join(sorted(self.actors))}")
            if abs(sum(rule.values()) - 1) > 1e-9:
                problems.append(f"{where}: shares must sum to 1, got {sum(rule.values()):g}")

        for effect, spec in self.effects.items():
            check(spec.default, f"effects.{effect}.default")
            for svc, rule in spec.services.items():
                check(rule, f"effects.{effect}.services.{svc}")
        for key, spec in self.financing_keys.items():
            for item, rule in spec.investment.items():
                check(rule, f"financing_keys.{key}.investment.{item}")
            check(spec.operation, f"financing_keys.{key}.operation")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def public_actors(self) -> set[str]:
        return {a for a, spec in self.actors.items() if spec.public}
