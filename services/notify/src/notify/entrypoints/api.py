"""Notify API process: `python -m notify.entrypoints.api`."""

from __future__ import annotations

from fastapi import FastAPI
from servicekit.service import prepare_process, serve_api, service_app

from .. import metrics
from ..api.attention import router as attention_router
from ..api.routes import router
from ..api.webhooks import router as webhooks_router
from ..bootstrap import Deps, build_deps
from ..config import Settings
from ..domain import AGGREGATES

TITLE = "Redress notify"
DESCRIPTION = ("SMS and e-mail to victims (hearing dates, referral accepted), in their language, only with "
               "consent and inside their safe hours; delivery status, template previews, provider webhooks.")
ROUTERS = [attention_router, router, webhooks_router]


def build_app(deps: Deps) -> FastAPI:
    """The notify app around already-built dependencies."""
    return service_app(core=deps.core, deps=deps, verifier=deps.verifier, title=TITLE, description=DESCRIPTION,
                       messages="notify", routers=ROUTERS, metric_refreshers=[metrics.refresher(deps)],
                       aggregates=AGGREGATES)


def main() -> None:
    settings = Settings()
    prepare_process(settings)
    serve_api(build_app(build_deps(settings)), settings)


if __name__ == "__main__":
    main()
