"""Signed webhooks: every service offers its own published events to HTTP endpoints the same way.

Administrators manage subscriptions through `/webhooks/subscriptions` (routes); the worker's
`<service>.webhooks` consumer group queues one delivery per (subscription, event) (dispatch, store)
and the sender POSTs them, Standard Webhooks-signed, with retries, in order per aggregate (sender).
"""

from .dispatch import published_types, structured_cloudevent
from .routes import WebhookService, webhook_router
from .signing import generate_secret, sign, verify
from .wiring import webhook_service, webhook_tasks

__all__ = ["WebhookService", "generate_secret", "published_types", "sign", "structured_cloudevent", "verify",
           "webhook_router", "webhook_service", "webhook_tasks"]
