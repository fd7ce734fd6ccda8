"""The result graph as a picture: one box per topic, listing its nodes, and an arrow where a topic's nodes
are computed from another's (``ejournal graph`` writes it to ``docs/result-graph.png``)."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

__all__ = ["result_graph_chart", "TOPIC_COLUMNS"]

#: Topic module → (column, row) in the picture, left to right in the order results are computed.
TOPIC_COLUMNS = {
    "inputs": (0, 0),
    "baseline": (1, 0),
    "participation": (1, 1),
    "analysis": (2, 0),
    "governance": (3, 0),
    "key_figures": (3, 1),
    "summaries": (4, 0),
    "conclusions": (4, 1),
    "assessment": (4, 2),
    "governance_conclusions": (3, 2),
    "participation_conclusions": (3, 3),
    "baseline_conclusions": (2, 1),
}


def result_graph_chart(topics: dict[str, list[str]], edges: set[tuple[str, str]], titles: dict[str, str]):
    """``topics``: topic → its node names; ``edges``: (from topic, to topic); ``titles``: topic → heading."""
    width, height = 3.3, 0.16
    fig, ax = plt.subplots(figsize=(18, 11))
    ax.set_axis_off()
    boxes: dict[str, tuple[float, float, float, float]] = {}  # x, y, width, height
    tops: dict[int, float] = {}
    for topic, names in topics.items():
        col, row = TOPIC_COLUMNS[topic]
        x = col * (width + 0.55)
        y_top = tops.get(col, 0.0)
        h = 0.45 + height * len(names)
        ax.add_patch(
            FancyBboxPatch(
                (x, y_top - h),
                width,
                h,
                boxstyle="round,pad=0.04",
                facecolor="#eef3f8",
                edgecolor="#14365d",
                lw=1.2,
                zorder=2,  # opaque, above the arrows: an arrow shows only between the boxes it joins
            )
        )
        ax.text(
            x + 0.08, y_top - 0.2, titles.get(topic, topic), fontsize=10, fontweight="bold", color="#14365d", zorder=3
        )
        for i, n in enumerate(sorted(names)):
            ax.text(x + 0.12, y_top - 0.42 - i * height, n, fontsize=7, family="monospace", color="#1a1a1a", zorder=3)
        boxes[topic] = (x, y_top - h, width, h)
        tops[col] = y_top - h - 0.35
    for a, b in sorted(edges):
        xa, ya, wa, ha = boxes[a]
        xb, yb, wb, hb = boxes[b]
        start = (xa + wa, ya + ha - 0.2) if xb > xa else (xa + wa / 2, ya)
        end = (xb, yb + hb - 0.2) if xb > xa else (xb + wb / 2, yb + hb)
        ax.annotate(
            "",
            xy=end,
            xytext=start,
            zorder=1,
            arrowprops={"arrowstyle": "-|>", "color": "#2e6f9e", "lw": 1.2, "shrinkA": 0, "shrinkB": 0},
        )
    ax.set_xlim(-0.2, max(x + w for x, _, w, _ in boxes.values()) + 0.2)
    ax.set_ylim(min(y for _, y, _, _ in boxes.values()) - 0.2, 0.2)
    fig.tight_layout()
    return fig
