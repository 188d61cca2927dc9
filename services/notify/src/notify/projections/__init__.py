"""The documents notify keeps beside its event store: read models fed by consumers and working state."""

from .hearings import HearingStore
from .providers import ProviderRecords
from .queue import DeliveryQueue
from .recipients import RecipientStore

__all__ = ["DeliveryQueue", "HearingStore", "ProviderRecords", "RecipientStore"]
