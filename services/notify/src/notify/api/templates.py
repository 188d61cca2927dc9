"""Template wording for staff: every shipped template, and one rendered as a victim would read it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from ..domain.messages import LANGUAGES, MessageKind, all_templates, message_variables, render, resolve_template
from ..domain.sms import analyze
from .deps import AppDeps, Language, Staff
from .schemas import SmsFacts, TemplatePreview, TemplatePublic

router = APIRouter(tags=["notify"])
SAMPLE_HEARING = datetime(2025, 11, 18, 9, 30, tzinfo=UTC)
SAMPLE_PLACE = "Tribunal de grande instance de la Commune III, Bamako"
SAMPLE_PHONE = "+223 20 00 00 00"


@router.get("/templates", response_model=list[TemplatePublic], responses={401: {}, 403: {}})
async def list_templates(principal: Staff) -> list[TemplatePublic]:
    """Every shipped template (kind x language) with its version and review notes."""
    return [TemplatePublic(kind=t.kind, language=t.language, version=t.version, notes=t.notes)
            for t in all_templates()]


@router.get("/templates/{kind}/{language}", response_model=TemplatePreview, responses={401: {}, 403: {}})
async def preview_template(kind: MessageKind, language: Language, principal: Staff, deps: AppDeps,
                           shared_phone: Annotated[bool, Query(description="Shared-phone wording")] = False
                           ) -> TemplatePreview:
    """A template rendered with sample values, as a victim would read it (French when the language has none)."""
    template = resolve_template(kind, language if language in LANGUAGES else None)
    variables = message_variables(kind, language=template.language, org_name=deps.settings.org_name,
                                  callback_phone=deps.settings.callback_phone or SAMPLE_PHONE,
                                  hearing_starts_at=SAMPLE_HEARING, hearing_place=SAMPLE_PLACE)
    message = render(kind, template.language, variables, shared_phone=shared_phone)
    facts = analyze(message.body)
    return TemplatePreview(kind=kind, language=message.language, version=message.version, shared_phone=shared_phone,
                           subject=message.subject, body=message.body,
                           sms=SmsFacts(encoding=facts.encoding, units=facts.units, segments=facts.segments))
