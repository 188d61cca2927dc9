"""Notify's own collections besides the event store; every query lives here, hot paths on `_id`."""

from .hearings import HearingStore
from .history import DeliveryHistory
from .providers import ProviderRecords
from .queue import DeliveryQueue
from .recipients import RecipientStore

__all__ = ["DeliveryHistory", "DeliveryQueue", "HearingStore", "ProviderRecords", "RecipientStore"]
