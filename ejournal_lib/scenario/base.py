"""The base of every typed configuration model, and error messages an analyst can act on.

Every problem of a file is reported at once with its YAML path (``cba.frame.discount_rate``), the value
found and what was expected; an unknown key lists the valid ones.
"""

from __future__ import annotations

import reprlib
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo

__all__ = [
    "StrictModel",
    "Rate",
    "Share",
    "NonNegative",
    "Positive",
    "Year",
    "Code",
    "InputPath",
    "format_problems",
    "resolve_path",
]


class StrictModel(BaseModel):
    """Unknown keys are errors, values are not coerced between types, NaN and infinity are no numbers (YAML's
    ``.nan``), models are immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


#: A rate such as a discount rate or a tax cost: 0 ≤ r < 1.
Rate = Annotated[float, Field(ge=0, lt=1)]
#: A share: 0 ≤ s ≤ 1.
Share = Annotated[float, Field(ge=0, le=1)]
NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Year = Annotated[int, Field(ge=1900, le=2200)]
#: A stable English data code (lower snake case).
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


def resolve_path(value: Any, info: ValidationInfo) -> Any:
    """Turn a path written in a scenario file into an absolute path (relative ones from the project root)."""
    if isinstance(value, str) and value.strip():
        p = Path(value)
        root = (info.context or {}).get("root")
        return p if p.is_absolute() or root is None else Path(root) / p
    return value


#: A file or folder named in a scenario file; relative paths are taken from the project root.
InputPath = Annotated[Path, BeforeValidator(resolve_path)]


def _unwrap(annotation):
    """The model class or container type behind Optional/Annotated/Union wrappers."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        return _unwrap(models[0] if models else args[0])
    return annotation


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model class found by following ``loc`` from ``model`` (None where it is not a model)."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) in (list, tuple, dict):
            current = typing.get_args(current)[-1]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


#: How much of a value a message shows: bounded work however deep or large the value (reprlib).
_SHOWN = reprlib.Repr()
_SHOWN.maxlevel, _SHOWN.maxstring, _SHOWN.maxother, _SHOWN.maxlong = 2, 50, 50, 30
_SHOWN.maxtuple = _SHOWN.maxlist = _SHOWN.maxdict = _SHOWN.maxset = 4


def _shown(value: Any) -> str:
    text = _SHOWN.repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


_TYPE_TAGS = {"bool", "int", "float", "str", "none", "list", "dict", "date"}


def _is_union_branch(part) -> bool:
    """Pydantic names the branch of a union in the location (``float``, ``list[str]``, ``dict[str,int]``)."""
    return isinstance(part, str) and (
        part in _TYPE_TAGS or not part.replace("_", "a").isalnum() or part.startswith(("function-", "literal["))
    )


def format_problems(exc: ValidationError, model: type[BaseModel], prefix: tuple = ()) -> list[str]:
    """One line per problem: YAML path, value and expectation; unknown keys list the valid keys; the
    alternatives of a field that accepts several types are reported together."""
    lines: list[str] = []
    unions: dict[tuple, tuple[object, list[str]]] = {}
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        # discriminated unions put the tag in the location; drop it
        loc = tuple(p for p in loc if p not in ("rule", "manual"))
        branch = len(loc) > 0 and _is_union_branch(loc[-1])
        if branch:
            loc = tuple(p for p in loc if not _is_union_branch(p))
        where = _where(prefix + loc)
        msg = err["msg"].replace("Input should be ", "").replace("Input should ", "")
        if err["type"] == "string_pattern_mismatch":
            msg = f"text matching {err['ctx']['pattern']}"
        if branch and err["type"] not in ("extra_forbidden", "missing"):
            entry = unions.setdefault(loc, (err.get("input"), []))
            if msg not in entry[1]:
                entry[1].append(msg)
            continue
        if err["type"] == "extra_forbidden":
            parent = _model_at(model, loc[:-1])
            valid = sorted(parent.model_fields) if parent else []
            lines.append(f"{where}: unknown key; valid: {', '.join(valid)}")
        elif err["type"] == "missing":
            lines.append(f"{where} is missing")
        elif err["type"] in ("value_error", "assertion_error"):
            text = str(err["ctx"]["error"]) if "ctx" in err and "error" in err["ctx"] else err["msg"]
            lines.append(f"{where}: {text}")
        else:
            lines.append(f"{where} = {_shown(err.get('input'))}: expected {msg}")
    for loc, (value, msgs) in unions.items():
        lines.append(f"{_where(prefix + loc)} = {_shown(value)}: expected {' or '.join(msgs)}")
    return lines
