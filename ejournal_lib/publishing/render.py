"""The Jinja2 environment for every HTML fragment and page the toolkit writes (templates in ``templates/``)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

__all__ = ["render_template"]


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("ejournal_lib.publishing", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(name: str, **context) -> str:
    """Render ``templates/<name>`` with ``context`` (values are HTML-escaped unless marked safe)."""
    return _environment().get_template(name).render(**context)
