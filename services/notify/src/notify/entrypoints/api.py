"""Notify API process: `python -m notify.entrypoints.api`."""

from __future__ import annotations

from fastapi import FastAPI
from servicekit.integrity_api import integrity_router
from servicekit.service import prepare_process, serve_api, service_app

from .. import metrics
from ..api.attention import router as attention_router
from ..api.routes import router
from ..api.webhooks import router as webhooks_router
from ..bootstrap import Deps, build_deps
from ..config import Settings
from ..domain import AGGREGATES
from ..indexes import INDEXES

TITLE = "Redress notify"
DESCRIPTION = ("SMS and e-mail to victims (hearing dates, referral accepted), in their language, only with "
               "consent and inside their safe hours; delivery status, template previews, provider webhooks.")
# Who may verify the service's hash chains (notify administrators answer for the delivery record), and admins.
INTEGRITY_ROLES = {"notify_admin", "admin"}
ROUTERS = [attention_router, router, webhooks_router, integrity_router(AGGREGATES, roles=INTEGRITY_ROLES)]


def build_app(deps: Deps) -> FastAPI:
    """The notify app around already-built dependencies."""
    return service_app(core=deps.core, deps=deps, verifier=deps.verifier, title=TITLE, description=DESCRIPTION,
                       messages="notify", routers=ROUTERS, indexes=INDEXES, aggregates=AGGREGATES,
                       metric_refreshers=[metrics.refresher(deps)])


def main() -> None:
    settings = Settings()
    prepare_process(settings)
    serve_api(build_app(build_deps(settings)), settings)


if __name__ == "__main__":
    main()
