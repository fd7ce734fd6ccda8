"""Reading YAML configuration and data files strictly: a duplicated key is an error, not a silent overwrite, and
a file whose aliases expand beyond a budget is refused (a "billion laughs" file of nested aliases makes a
structure whose every use, a message showing it say, takes exponential time)."""

from __future__ import annotations

from pathlib import Path

import yaml

from ejournal_lib.common.errors import ConfigError

__all__ = ["read_yaml", "parse_yaml", "MAX_EXPANDED_NODES"]

#: How many values a file may hold with every alias (``*name``) written out: the project's largest file holds
#: a few thousand; a file of nested aliases ("billion laughs") holds billions.
MAX_EXPANDED_NODES = 1_000_000


def _expanded_size(text: str) -> int:
    """The number of values in ``text`` with every alias written out, from the parser's events (linear in the
    text; stops counting past the limit)."""
    sizes: dict[str, int] = {}
    stack: list[list] = [[None, 0]]  # [anchor, size] of each open collection
    for event in yaml.parse(text, Loader=_UniqueKeyLoader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            stack.append([event.anchor, 1])
            continue
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, size = stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            anchor, size = None, sizes.get(event.anchor or "", 1)
        else:
            continue
        if anchor:
            sizes[anchor] = size
        stack[-1][1] = min(stack[-1][1] + size, MAX_EXPANDED_NODES + 1)
    return stack[0][1]


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
        if _expanded_size(text) > MAX_EXPANDED_NODES:
            raise ConfigError(
                f"{where}: its aliases (*name) expand to more than {MAX_EXPANDED_NODES:,} values; write the values "
                "out, or use fewer nested aliases"
            )
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
