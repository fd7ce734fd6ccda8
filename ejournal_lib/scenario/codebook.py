"""The activity codebook of baseline time-use measurements (``data/raw/timeuse_codebook.yaml``), typed.

Activity codes are grouped into main processes; ``addressable`` says whether the new record and interaction
solution can reduce the time spent. Services and roles are the codes a registration may use.
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd
from pydantic import model_validator

from ejournal_lib.scenario.base import Code, StrictModel

__all__ = ["Codebook", "ActivityGroup", "Activity"]


class ActivityGroup(StrictModel):
    addressable: bool


class Activity(StrictModel):
    group: Code
    addressable: bool
    description: str


class Codebook(StrictModel):
    source: str
    groups: dict[Code, ActivityGroup]
    activities: dict[str, Activity]
    services: list[Code]
    roles: list[Code]

    @model_validator(mode="after")
    def _groups_known(self):
        bad = sorted({a.group for a in self.activities.values()} - set(self.groups))
        if bad:
            raise ValueError(f"activities name unknown group(s): {', '.join(bad)}")
        return self

    @cached_property
    def group_table(self) -> pd.DataFrame:
        """group, addressable (in codebook order)."""
        return pd.DataFrame([{"group": g, "addressable": v.addressable} for g, v in self.groups.items()])

    @cached_property
    def activity_table(self) -> pd.DataFrame:
        """activity_code, group, addressable."""
        return pd.DataFrame(
            [{"activity_code": c, "group": a.group, "addressable": a.addressable} for c, a in self.activities.items()]
        )
