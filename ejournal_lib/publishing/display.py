"""Showing HTML fragments in a notebook (figures, banners, tables), or returning them outside IPython."""

from __future__ import annotations

import base64
import io

from ejournal_lib.publishing.render import render_template

__all__ = ["display_html", "show_figure", "show_banner", "EXAMPLE_DATA_LABEL"]

EXAMPLE_DATA_LABEL = "Eksempeldata (syntetiske)"


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


def show_figure(fig, alt: str, show: bool = True, dpi: int = 110):
    """Show a matplotlib figure as a PNG image with alt text (closing the figure)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return display_html(render_template("figure.html.j2", data=data, alt=alt), show)


def show_banner(text: str, show: bool = True):
    """Show a visible warning box (e.g. that a result is built from example data)."""
    return display_html(render_template("banner.html.j2", text=text), show)
