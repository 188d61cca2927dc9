"""Victim and act rows of a partner's spreadsheet (French or English headers and words), checked row by row.

A victim row carries the partner's own reference for the victim (never a name), the statistics in
clear, the identity that intake seals under the victim's key, and the consent per purpose. An act
row ties a violation to an incident (by its external reference) and to victims (by their references).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError
from servicekit.errors import DomainError, InvalidInput
from servicekit.ids import derived_id

from ..identities import VictimIdentity
from .consent import Consent
from .csv_rows import RowError, duplicates, labels, row_errors
from .import_cells import Matches, Table, map_header, match_label, parse_bool, record, split_list
from .incident import EXTERNAL_REFERENCE
from .incident_facts import Act, check_acts
from .victim_rules import Profile, check_registration

VICTIM_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "reference": ("référence", "ref", "réf", "référence victime", "victim reference", "code victime"),
    "sex": ("sexe", "genre", "gender"), "age_band": ("tranche d'âge", "âge", "age", "age band"),
    "region": ("région", "région de résidence", "region of residence"),
    "name": ("nom", "nom complet", "full name"), "phone": ("téléphone", "tel", "tél", "telephone"),
    "email": ("e-mail", "courriel", "mail", "adresse e-mail"),
    "consent_legal_support": ("consentement accompagnement juridique", "consentement juridique",
                              "legal support consent"),
    "consent_notifications": ("consentement notifications", "notifications consent"),
    "notification_channel": ("canal", "canal de notification", "channel"),
    "notification_language": ("langue", "langue des messages", "language"),
    "safe_hours_start": ("début des heures sûres", "heure sûre début", "safe hours start"),
    "safe_hours_end": ("fin des heures sûres", "heure sûre fin", "safe hours end"),
    "shared_phone": ("téléphone partagé", "shared phone"),
    "consent_statistics": ("consentement statistiques", "statistics consent"),
    "consent_sharing": ("partage avec", "organisations de partage", "sharing"),
}
ACT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "incident_reference": ("référence incident", "incident", "réf incident", "incident ref"),
    "violation_type": ("type de violation", "violation", "violation type"),
    "victim_references": ("références victimes", "victimes", "victims", "victim references"),
    "perpetrator_category": ("auteur présumé", "catégorie d'auteur", "auteur", "perpetrator", "perpetrator category"),
    "involvement": ("implication", "degré d'implication", "involvement degree"),
    "attribution": ("vérification de l'attribution", "attribution status"),
}
WORDS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "sex": {"female": ("femme", "féminin", "f"), "male": ("homme", "masculin", "m", "h"),
            "other": ("autre",), "unknown": ("inconnu", "non précisé", "nsp")},
    "age_band": {"unknown": ("inconnu", "inconnue", "non précisé")},
    "notification_channel": {"sms": ("texto",), "email": ("e-mail", "courriel", "mail")},
    "notification_language": {"fr": ("français", "francais", "french"), "bm": ("bambara", "bamanankan"),
                              "en": ("anglais", "english")},
}
BOOLEANS = ("consent_legal_support", "consent_notifications", "shared_phone", "consent_statistics")


@dataclass(frozen=True)
class VictimRow:
    """A victim row that passed every rule."""

    row: int
    reference: str
    profile: Profile
    identity: VictimIdentity
    consent: Consent


@dataclass(frozen=True)
class ActRow:
    """An act row that passed every rule; victims are named by their imported ids."""

    row: int
    incident_reference: str
    act: Act
    victim_references: list[str]


def imported_victim_id(organisation: str, reference: str) -> str:
    """The id an imported victim always gets, so importing the file again never doubles anyone."""
    # The same id a registration with Idempotency-Key "import:<reference>" gets (servicekit.api.RequestKey).
    return derived_id(organisation, "victim", f"import:{reference}")


def parse_victims(table: Table, *, matches: Matches) -> tuple[list[VictimRow], list[RowError]]:
    """Every victim row checked (statistics, identity, consent rules); bad rows reported."""
    mapped = map_header(table.header, VICTIM_COLUMNS, ("reference", "sex", "age_band", "region"), matches)
    good: list[VictimRow] = []
    errors: list[RowError] = []
    for row, cells in table.rows:
        values = record(cells, mapped)
        if values is None or not values.get("reference"):
            errors.append(RowError(row, "reference" if values is not None else "row",
                                   "row_reference_required" if values is not None else "row_too_many_cells"))
            continue
        try:
            good.append(_victim(row, values, matches))
        except (ValidationError, DomainError) as exc:
            errors += row_errors(row, exc)
    errors += duplicates([(v.row, v.reference) for v in good], "reference")
    return good, sorted(errors, key=lambda e: e.row)


def _victim(row: int, values: dict[str, str], matches: Matches) -> VictimRow:
    for column, words in WORDS.items():
        if column in values:
            values[column] = match_label(values[column], {code: names for code, names in words.items()},
                                         column, matches)
    _reference(values["reference"], "reference")
    region = match_label(values["region"], labels("regions", [t.code for t in _roots()]), "region", matches)
    flags = {}
    for column in BOOLEANS:
        flags[column] = parse_bool(values.get(column))
        if flags[column] is None:
            raise InvalidInput("boolean_expected", field=column)
    notifications: dict[str, Any] = {"granted": flags["consent_notifications"], "shared_phone": flags["shared_phone"]}
    for column, key in (("notification_channel", "channel"), ("notification_language", "language"),
                        ("safe_hours_start", "safe_hours_start"), ("safe_hours_end", "safe_hours_end")):
        if column in values:
            notifications[key] = values[column]
    consent = Consent.model_validate({
        "legal_support": flags["consent_legal_support"], "statistics": flags["consent_statistics"],
        "notifications": notifications, "sharing": split_list(values.get("consent_sharing", ""), ("|", ",", ";"))})
    identity = VictimIdentity.model_validate({k: values[k] for k in ("name", "phone", "email") if k in values})
    profile = Profile(sex=values["sex"], age_band=values["age_band"], region=region)  # type: ignore[arg-type]
    _check_profile(profile)
    consent = check_registration(profile, consent, has_phone=identity.phone is not None,
                                 has_email=identity.email is not None)
    return VictimRow(row, values["reference"], profile, identity, consent)


def _roots() -> tuple[Any, ...]:
    from ..vocabularies import vocabulary

    return vocabulary("regions").roots()


def _check_profile(profile: Profile) -> None:
    from .victim import AgeBand, Sex

    for name, kind in (("sex", Sex), ("age_band", AgeBand)):
        allowed = list(kind.__args__)  # type: ignore[attr-defined]
        if getattr(profile, name) not in allowed:
            raise InvalidInput("unknown_term", field=name, vocabulary=name, allowed=allowed)


def _reference(value: str, column: str) -> None:
    import re

    if not re.fullmatch(EXTERNAL_REFERENCE, value):
        raise InvalidInput("reference_malformed", field=column)


def parse_acts(table: Table, *, organisation: str, matches: Matches) -> tuple[list[ActRow], list[RowError]]:
    """Every act row checked against the vocabularies; which incidents and victims exist is checked on import."""
    mapped = map_header(table.header, ACT_COLUMNS, ("incident_reference", "violation_type"), matches)
    good: list[ActRow] = []
    errors: list[RowError] = []
    for row, cells in table.rows:
        values = record(cells, mapped)
        if values is None:
            errors.append(RowError(row, "row", "row_too_many_cells"))
            continue
        try:
            good.append(_act(row, values, organisation, matches))
        except (ValidationError, DomainError) as exc:
            # Name the spreadsheet column, not the position inside the incident (acts.0.violation_type).
            errors += [replace(e, field=e.field.split(".")[-1]) for e in row_errors(row, exc)]
    return good, errors


def _act(row: int, values: dict[str, str], organisation: str, matches: Matches) -> ActRow:
    _reference(values.get("incident_reference", ""), "incident_reference")
    violation = match_label(values["violation_type"], labels("violation_types"), "violation_type", matches)
    victims = split_list(values.get("victim_references", ""), ("|", ",", ";"))
    perpetrators = []
    if "perpetrator_category" in values:
        perpetrators.append({
            "category": match_label(values["perpetrator_category"], labels("perpetrator_categories"),
                                    "perpetrator_category", matches),
            "involvement": match_label(values.get("involvement", "carried_out"), labels("involvement_degrees"),
                                       "involvement", matches),
            "attribution": match_label(values.get("attribution", "unverified"), labels("verification_statuses"),
                                       "attribution", matches)})
    act = Act.model_validate({"violation_type": violation, "perpetrators": perpetrators,
                              "victim_ids": [imported_victim_id(organisation, ref) for ref in victims]})
    check_acts([act])
    return ActRow(row, values["incident_reference"], act, victims)


def acts_by_incident(rows: list[ActRow]) -> dict[str, list[ActRow]]:
    """Act rows grouped by the incident they belong to, in file order."""
    grouped: dict[str, list[ActRow]] = {}
    for row in rows:
        grouped.setdefault(row.incident_reference, []).append(row)
    return grouped
