"""The indicators' read model, the only documents advocacy keeps beside its event store.

`generations`: the fact records and marks of one generation, its live pointer and a rebuild's buffer;
`recorders`: the consumed-event handlers, each turning one event into one fact record;
`readmodel`: the facts folded in the answering process, caught up by the marks added since.
"""

from .generations import KINDS, BufferedFactLog, CurrentFacts, FactLog, FactRecord, Projections
from .readmodel import ReadModel

__all__ = ["KINDS", "BufferedFactLog", "CurrentFacts", "FactLog", "FactRecord", "Projections", "ReadModel"]
