"""Dotted-path overrides of a scenario (``cba.frame.discount_rate=0.03``), applied before validation."""

from __future__ import annotations

import copy

from ejournal_lib.common.errors import ConfigError

__all__ = ["apply_overrides", "flatten", "differences"]

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


def _row_key(row) -> tuple[str, str] | None:
    """(key column, key) of a table row, or None."""
    return next(((k, str(row[k])) for k in _ROW_KEYS if isinstance(row, dict) and k in row), None)


def flatten(section, prefix: str = "") -> dict[str, object]:
    """Every value of ``section`` by the dotted path an override would use (rows by their key column).

    >>> flatten({"frame": {"rate": 0.04}, "table": [{"service": "home", "ftes": 3}]})
    {'frame.rate': 0.04, 'table.home.ftes': 3}
    """
    out: dict[str, object] = {}
    if isinstance(section, dict):
        for key, value in section.items():
            out.update(flatten(value, f"{prefix}{key}."))
    elif isinstance(section, list) and section and all(_row_key(r) is not None for r in section):
        for row in section:
            column, key = _row_key(row) or ("", "")
            out.update(flatten({k: v for k, v in row.items() if k != column}, f"{prefix}{key}."))
    else:
        out[prefix.rstrip(".")] = section
    return out


def differences(a: dict, b: dict) -> list[tuple[str, object, object]]:
    """(path, value in ``a``, value in ``b``) for every path whose value differs (None where absent).

    >>> differences({"x": {"y": 1, "z": 2}}, {"x": {"y": 1, "z": 3}})
    [('x.z', 2, 3)]
    """
    fa, fb = flatten(a), flatten(b)
    return [(k, fa.get(k), fb.get(k)) for k in sorted(set(fa) | set(fb)) if fa.get(k) != fb.get(k)]
