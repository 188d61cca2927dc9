"""The indexes advocacy's lists need (created at start-up by the kit, idempotently): equality, then sort (ESR).

Every listing is a keyset page ordered by its field and then `_id` (queries.py), so `_id` ends each index.
The indicators' read model declares none: it reads a generation's marks by `_id` ranges and its facts by
`_id` (projections/readmodel.py), which the `_id` index serves on both stores.
"""

from __future__ import annotations

from servicekit.indexes import Index

from .domain.action import ACTION
from .domain.recommendation import RECOMMENDATION
from .domain.report import REPORT

INDEXES = (
    Index(ACTION.collection, (("taken_on", -1), ("_id", -1)), "actions, newest first"),
    Index(ACTION.collection, (("target_body", 1), ("taken_on", -1), ("_id", -1)), "actions towards one body"),
    Index(ACTION.collection, (("organisation", 1), ("taken_on", -1), ("_id", -1)), "actions of one organisation"),
    Index(RECOMMENDATION.collection, (("made_on", -1), ("_id", -1)), "recommendations, newest first"),
    Index(RECOMMENDATION.collection, (("status", 1), ("made_on", -1), ("_id", -1)), "recommendations by status"),
    Index(RECOMMENDATION.collection, (("addressee", 1), ("made_on", -1), ("_id", -1)),
          "recommendations by addressee"),
    Index(REPORT.collection, (("period_end", -1), ("_id", -1)), "reports, newest first"),
)
