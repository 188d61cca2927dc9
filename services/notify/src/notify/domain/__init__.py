"""Notify's domain: deliveries, message rules, safe hours, retries and opt-out, with no I/O."""

from .delivery import DELIVERY

AGGREGATES = [DELIVERY]
