"""The indicators' read model, the only documents advocacy keeps beside its event store.

`generations`: the fact records of one generation, its live pointer and a rebuild's buffer;
`recorders`: the consumed-event handlers, each turning one event into one fact record.
"""

from .generations import KINDS, BufferedFactLog, CurrentFacts, FactLog, FactRecord, Projections

__all__ = ["KINDS", "BufferedFactLog", "CurrentFacts", "FactLog", "FactRecord", "Projections"]
