"""Governance: the change log and its cost bridge, the cost estimate (P50/P85), the stop points and the goals,
each checked against the results they name."""
