"""Dotted-path overrides of a scenario (``cba.frame.discount_rate=0.03``), applied before validation."""

from __future__ import annotations

import copy

from ejournal_lib.common.errors import ConfigError

__all__ = ["apply_overrides"]

_ROW_KEYS = ("service", "item", "id")


def apply_overrides(section: dict, overrides: dict) -> dict:
    """Return a copy of ``section`` with ``{"a.b.c": value}`` overrides applied.

    Table rows are addressed by their key column: ``services.table.home_services.minutes_saved_per_day``;
    year-keyed mappings by the year. An unknown path is an error naming the valid keys, so that a change-log
    overlay or a sweep cannot silently miss.

    >>> apply_overrides({"frame": {"discount_rate": 0.04}}, {"frame.discount_rate": 0.03})
    {'frame': {'discount_rate': 0.03}}
    """
    out = copy.deepcopy(section)
    for dotted, value in overrides.items():
        parts = str(dotted).split(".")
        node = out
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            if isinstance(node, list):
                match = [r for r in node if isinstance(r, dict) and part in (r.get(k) for k in _ROW_KEYS)]
                if not match:
                    keys = sorted(str(r.get(k)) for r in node if isinstance(r, dict) for k in _ROW_KEYS if k in r)
                    raise ConfigError(f"override '{dotted}': no row '{part}'; rows: {', '.join(keys)}")
                if last:
                    raise ConfigError(f"override '{dotted}': name a column of row '{part}'")
                node = match[0]
                continue
            if not isinstance(node, dict):
                raise ConfigError(f"override '{dotted}': '{part}' is below a value, not a section")
            key = int(part) if part.isdigit() and int(part) in node else part
            if key not in node:
                raise ConfigError(
                    f"override '{dotted}': unknown key '{part}'; valid: {', '.join(sorted(map(str, node)))}"
                )
            if last:
                node[key] = value
            else:
                node = node[key]
    return out
