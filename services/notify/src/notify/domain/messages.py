"""Message kinds and victim-safe rendering of the versioned templates shipped with the service.

Templates are data (`notify/templates/<kind>.<language>.json`) with `string.Template`
placeholders. They may only carry what a victim needs: a date, a time, a place (a court name
for hearings), a phone number to call and the sending organisation. Never case details, the
crime or the other party. Each has a shared-phone variant that reveals nothing at all.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from .review import review_problem
from .wording import bambara_date, sms_spelling


class MessageKind(StrEnum):
    """What a message tells the victim."""

    REFERRAL_ACCEPTED = "referral_accepted"
    HEARING_SCHEDULED = "hearing_scheduled"
    HEARING_RESCHEDULED = "hearing_rescheduled"
    HEARING_CANCELLED = "hearing_cancelled"
    HEARING_REMINDER = "hearing_reminder"
    CASE_STAGE_CHANGED = "case_stage_changed"


LANGUAGES: tuple[str, ...] = ("fr", "bm", "en")
DEFAULT_LANGUAGE = "fr"

# The shared-phone variant may name only whom to call; `org_name` must be a neutral sender name.
SHARED_PHONE_VARIABLES = frozenset({"org_name", "callback_phone"})
_HEARING = frozenset({"date", "time", "place"}) | SHARED_PHONE_VARIABLES
KIND_VARIABLES: Mapping[MessageKind, frozenset[str]] = {
    MessageKind.REFERRAL_ACCEPTED: SHARED_PHONE_VARIABLES,
    MessageKind.HEARING_SCHEDULED: _HEARING,
    MessageKind.HEARING_RESCHEDULED: _HEARING,
    MessageKind.HEARING_CANCELLED: frozenset({"date"}) | SHARED_PHONE_VARIABLES,
    MessageKind.HEARING_REMINDER: _HEARING,
    MessageKind.CASE_STAGE_CHANGED: SHARED_PHONE_VARIABLES,
}

MAX_VALUE_LENGTH = 120
_PHONE = re.compile(r"^\+?[0-9][0-9 ]{4,19}$")
_LANGUAGE_ALIASES = {"bam": "bm", "fra": "fr", "fre": "fr", "eng": "en"}


class TemplateError(ValueError):
    """A template or its variables are invalid; messages name keys, never values (they may be PII)."""

    http_status = 422


@dataclass(frozen=True, slots=True)
class Template:
    """One template file: a kind in a language, with its version and both variants."""

    kind: MessageKind
    language: str
    version: int
    notes: str
    subject: string.Template
    body: string.Template
    shared_subject: string.Template
    shared_body: string.Template
    review_status: str = "awaiting_review"  # domain/review.py: reviewed only with reviewer, date and text hash


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """A rendered message; `subject` is used for e-mail only."""

    kind: MessageKind
    language: str
    version: int
    shared_phone: bool
    subject: str
    body: str
    sms_body: str = ""  # the body as an SMS: its own spelling, or the GSM-7 one when that keeps it to 2 parts

    @property
    def template_ref(self) -> str:
        """Stable template identity, part of a delivery's deterministic id."""
        variant = "shared" if self.shared_phone else "standard"
        return f"{self.kind.value}/{self.language}/v{self.version}/{variant}"


def normalise_language(language: str | None) -> str:
    """Base language code ("fr-ML" -> "fr", "bam" -> "bm"); unknown codes fall back to French."""
    base = re.split(r"[-_]", (language or "").strip().lower(), maxsplit=1)[0]
    base = _LANGUAGE_ALIASES.get(base, base)
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def _placeholders(template: string.Template, where: str) -> set[str]:
    if not template.is_valid():
        raise TemplateError(f"{where}: malformed placeholder")
    return set(template.get_identifiers())


def _check_template(tpl: Template) -> None:
    where = f"{tpl.kind.value}.{tpl.language}"
    expected = KIND_VARIABLES[tpl.kind]
    if _placeholders(tpl.body, where) != expected:
        raise TemplateError(f"{where}: body must use exactly {sorted(expected)}")
    if not _placeholders(tpl.subject, where) <= expected:
        raise TemplateError(f"{where}: subject uses unknown placeholders")
    shared = _placeholders(tpl.shared_body, where) | _placeholders(tpl.shared_subject, where)
    if not shared <= SHARED_PHONE_VARIABLES or "callback_phone" not in shared:
        raise TemplateError(f"{where}: shared-phone variant may only name org_name and callback_phone")


def _parse(kind: MessageKind, language: str, data: Mapping[str, Any]) -> Template:
    if data.get("kind") != kind.value or data.get("language") != language:
        raise TemplateError(f"{kind.value}.{language}: kind/language do not match the file name")
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise TemplateError(f"{kind.value}.{language}: version must be a positive integer")
    if problem := review_problem(data):
        raise TemplateError(f"{kind.value}.{language}: {problem}")
    shared = data["shared_phone"]
    tpl = Template(
        kind=kind,
        language=language,
        version=version,
        notes=str(data.get("notes", "")),
        subject=string.Template(data["email_subject"]),
        body=string.Template(data["body"]),
        shared_subject=string.Template(shared["email_subject"]),
        shared_body=string.Template(shared["body"]),
        review_status=str(data["review"]["status"]),
    )
    _check_template(tpl)
    return tpl


@cache
def load_template(kind: MessageKind, language: str) -> Template | None:
    """The shipped template for kind x language, validated; None if that language has none."""
    resource = resources.files("notify").joinpath("templates", f"{kind.value}.{language}.json")
    if not resource.is_file():
        return None
    return _parse(kind, language, json.loads(resource.read_text(encoding="utf-8")))


def resolve_template(kind: MessageKind | str, language: str | None) -> Template:
    """The template to use: the victim's language if shipped, otherwise French."""
    try:
        kind = MessageKind(kind)
    except ValueError:
        raise TemplateError(f"unknown message kind {kind!r}") from None
    tpl = load_template(kind, normalise_language(language)) or load_template(kind, DEFAULT_LANGUAGE)
    if tpl is None:
        raise TemplateError(f"{kind.value}: no French template shipped")
    return tpl


def all_templates() -> Iterator[Template]:
    """Every shipped template (for previews and tests)."""
    for kind in MessageKind:
        for language in LANGUAGES:
            tpl = load_template(kind, language)
            if tpl is not None:
                yield tpl


def validate_variables(kind: MessageKind | str, variables: Mapping[str, str]) -> dict[str, str]:
    """Check the variables of a kind: exactly the declared keys, short single-line strings."""
    expected = KIND_VARIABLES[MessageKind(kind)]
    unknown, missing = set(variables) - expected, expected - set(variables)
    if unknown or missing:
        raise TemplateError(f"unknown variables {sorted(unknown)}, missing variables {sorted(missing)}")
    clean: dict[str, str] = {}
    for key, value in variables.items():
        if not isinstance(value, str) or not value.strip():
            raise TemplateError(f"variable {key!r} must be a non-empty string")
        if len(value) > MAX_VALUE_LENGTH or any(ord(ch) < 32 or ch == "\x7f" for ch in value):
            raise TemplateError(f"variable {key!r} is too long or contains control characters")
        clean[key] = value.strip()
    if not _PHONE.match(clean["callback_phone"]):
        raise TemplateError("variable 'callback_phone' is not a phone number")
    return clean


def render(
    kind: MessageKind | str, language: str | None, variables: Mapping[str, str], *, shared_phone: bool
) -> RenderedMessage:
    """Render a message in the victim's language (French fallback); generic wording on shared phones."""
    tpl = resolve_template(kind, language)
    values = validate_variables(tpl.kind, variables)
    subject, body = (tpl.shared_subject, tpl.shared_body) if shared_phone else (tpl.subject, tpl.body)
    return RenderedMessage(
        kind=tpl.kind,
        language=tpl.language,
        version=tpl.version,
        shared_phone=shared_phone,
        subject=subject.substitute(values),
        body=body.substitute(values),
        sms_body=sms_spelling(body.substitute(values)),
    )


_FR_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
# "aout" without circumflex (1990 spelling) keeps French SMS in GSM-7.
_FR_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "aout",
              "septembre", "octobre", "novembre", "décembre")  # fmt: skip
# Own tables rather than strftime %A/%B, which follow the process locale.
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")  # fmt: skip


def format_when(when: datetime, language: str | None, tz: str = "Africa/Bamako") -> dict[str, str]:
    """The `date` and `time` variables for a moment, in local time and the victim's language."""
    if when.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    local = when.astimezone(ZoneInfo(tz))
    language = normalise_language(language)
    if language == "fr":
        date = f"{_FR_DAYS[local.weekday()]} {local.day} {_FR_MONTHS[local.month - 1]} {local.year}"
        return {"date": date, "time": f"{local.hour}h{local.minute:02d}"}
    if language == "en":
        date = f"{_EN_DAYS[local.weekday()]} {local.day} {_EN_MONTHS[local.month - 1]} {local.year}"
        return {"date": date, "time": f"{local:%H:%M}"}
    # Bambara: the date written out (wording.BM_DAYS / BM_MONTHS, under review like the templates).
    return {"date": bambara_date(local), "time": f"{local:%H:%M}"}


_HEARING_DETAILS = frozenset({MessageKind.HEARING_SCHEDULED, MessageKind.HEARING_RESCHEDULED,
                              MessageKind.HEARING_REMINDER})


def message_variables(kind: MessageKind, *, language: str | None, org_name: str, callback_phone: str,
                      hearing_starts_at: datetime | None = None, hearing_place: str | None = None) -> dict[str, str]:
    """The variables a kind needs: whom to call, plus the hearing's date, time and place when it has them."""
    values = {"org_name": org_name, "callback_phone": callback_phone}
    if kind in _HEARING_DETAILS or kind == MessageKind.HEARING_CANCELLED:
        if hearing_starts_at is None:
            raise TemplateError(f"{kind.value} needs the hearing's date")
        when = format_when(hearing_starts_at, language)
        values["date"] = when["date"]
        if kind in _HEARING_DETAILS:
            values |= {"time": when["time"], "place": hearing_place or ""}
    return values
