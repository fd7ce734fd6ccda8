"""Showing HTML fragments in a notebook (figures, banners, tables), or returning them outside IPython."""

from __future__ import annotations

import base64
import io
import re

from ejournal_lib.common.formatting import fmt_number
from ejournal_lib.publishing.data_status import EXAMPLE_DATA_LABEL, EXAMPLE_MARK
from ejournal_lib.publishing.render import render_template

__all__ = ["display_html", "show_figure", "show_bars", "show_banner", "show_summary", "md_text"]

#: Characters Markdown gives a meaning (emphasis, links, code, headings, lists, tables) or that start a link
#: the renderer makes by itself (``http:``, ``www.``, ``@``).
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|~<>:/@&\"']")


def md_text(value) -> str:
    """Text from an input (a change log, a plan, a file) for a Markdown cell, shown as the characters it holds:
    HTML escaped (no tags, no script), and Markdown's special characters as character references, so that
    an input makes no link (``javascript:`` or any other), no emphasis and no heading; line breaks become
    spaces."""
    text = " ".join(str(value).split())
    return _MARKDOWN_SPECIAL.sub(lambda m: f"&#{ord(m[0])};", text)  # HTML's own (<, >, &, quotes) included


def display_html(fragment: str, show: bool = True):
    """Display ``fragment`` in the notebook (returns None), or return it as an IPython HTML object."""
    try:
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover - IPython is always present in the kernel
        return fragment
    obj = HTML(fragment)
    if show:
        display(obj)
        return None
    return obj


def show_figure(fig, alt: str, show: bool = True, dpi: int = 110, *, caption: str, synthetic: bool = False):
    """Show a matplotlib figure as a PNG image with alt text and its caption (closing the figure); appendices
    number the captions.
    ``synthetic`` marks a figure built from synthetic example data: a watermark and the caption's mark."""
    import matplotlib.pyplot as plt

    if synthetic:
        fig.text(
            0.5,
            0.5,
            EXAMPLE_MARK.upper(),
            transform=fig.transFigure,
            ha="center",
            va="center",
            rotation=25,
            fontsize=44,
            color="#b8860b",
            alpha=0.13,
            fontweight="bold",
            zorder=1000,
        )
        caption = f"{caption} ({EXAMPLE_MARK})"
        alt = f"{alt} ({EXAMPLE_DATA_LABEL.lower()})"
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return display_html(render_template("figure.html.j2", data=data, alt=alt, caption=caption), show)


def show_bars(labels, values, *, alt: str, caption: str, show: bool = True):
    """Horizontal bars drawn in HTML (no image): one row per label, the bar's length proportional to its value
    (values ≥ 0), the number beside it. For small charts that are rendered many times, such as a factsheet's."""
    values = [float(v) for v in values]
    top = max(values, default=0.0) or 1.0
    rows = [(label, f"{100 * max(v, 0.0) / top:.1f}", fmt_number(v)) for label, v in zip(labels, values)]
    return display_html(render_template("bars.html.j2", rows=rows, alt=alt, caption=caption), show)


def show_banner(text: str, show: bool = True):
    """Show a visible warning box (e.g. that a result is built from example data)."""
    return display_html(render_template("banner.html.j2", text=text), show)


def show_summary(points, show: bool = True):
    """The conclusions an appendix opens with: ``points`` are sentences, or (sentence, synthetic) pairs; a
    sentence built from synthetic example data is marked as such before it."""
    pairs = [(p, False) if isinstance(p, str) else (p[0], bool(p[1])) for p in points]
    return display_html(render_template("summary.html.j2", points=pairs, mark=EXAMPLE_MARK.capitalize()), show)
