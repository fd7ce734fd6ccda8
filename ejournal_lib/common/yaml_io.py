"""Reading YAML configuration and data files strictly: a duplicated key is an error, not a silent overwrite."""

from __future__ import annotations

from pathlib import Path

import yaml

from ejournal_lib.common.errors import ConfigError

__all__ = ["read_yaml", "parse_yaml"]


class _UniqueKeyLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """A safe loader (libyaml where available) that refuses a mapping holding the same key twice (YAML would
    keep the last one)."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"the key {key!r} appears twice (first on line {seen[key] + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str, where: str):
    """Parse YAML text; ConfigError naming ``where`` on a syntax error or a duplicated key.

    >>> parse_yaml("a: 1\\nb: 2", "example")
    {'a': 1, 'b': 2}
    """
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where} is not readable YAML: {exc}") from exc


def read_yaml(path: str | Path, what: str) -> dict:
    """Read a YAML file whose top level is a mapping; ConfigError naming ``what`` and the path when it is
    missing, unreadable, not a mapping or holds a duplicated key. An empty file gives ``{}``."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{what} not found: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{what} {path} is not UTF-8 text: {exc}") from exc
    data = parse_yaml(text, f"{what} {path}")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{what} {path}: expected a mapping at the top level")
    return data
