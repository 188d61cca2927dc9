"""The CLI's words in French (the default) and English; argparse's own words follow the chosen language."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

FR: dict[str, str] = {
    "description": "Outil d'exploitation de Redress : état des services, vérification des chaînes, "
                   "lettres mortes, reconstruction, rotation des clés, jetons de développement.",
    "lang": "langue des messages : fr (par défaut) ou en (aussi LANG=en*)",
    "url": "adresse d'un service, p. ex. intake=https://intake.exemple.org (répétable ; sinon "
           "REDRESS_<SERVICE>_URL, sinon http://127.0.0.1:8001 à 8005)",
    "token": "jeton d'accès (sinon la variable REDRESS_TOKEN)",
    "status": "santé, disponibilité, retard des consommateurs, outbox et lettres mortes de chaque service",
    "services": "services à interroger (par défaut : tous)",
    "verify": "vérifier les chaînes de hachage d'un service, avec une barre de progression",
    "service": "le service",
    "page": "commits vérifiés par requête",
    "replay": "rejouer un topic de lettres mortes dans les gestionnaires du groupe (avec la configuration "
              "<SERVICE>_* du worker)",
    "purpose": "le groupe de consommateurs, sans le nom du service (p. ex. intake pour casework.intake)",
    "rebuild": "reconstruire les projections d'advocacy depuis les topics, puis basculer",
    "no_wait": "ne pas attendre la fin",
    "rotate": "re-chiffrer les clés de données d'intake sous la clé maîtresse (KEK) actuelle",
    "token_help": "émettre un jeton de développement (jamais sur des données réelles)",
    "sub": "sujet du jeton", "role": "rôle (répétable)", "org": "organisation, p. ex. org-amdh",
    "ttl": "durée de vie en secondes",
    "keys_dir": "dossier des clés (par défaut $REDRESS_DEV_KEYS_DIR ou .cache/devkeys)",
    "col_service": "service", "col_health": "vivant", "col_ready": "prêt", "col_outbox": "outbox",
    "col_oldest": "plus ancien (s)", "col_lag": "retard", "col_dlq": "lettres mortes",
    "yes": "oui", "no": "non", "unreachable": "injoignable",
    "progress": "{done}/{total} commits",
    "chains_ok": "{service} : {aggregates} agrégats, {commits} commits, chaînes intactes",
    "chains_broken": "{service} : {count} défaut(s) dans les chaînes :",
    "replayed": "{topic} : {replayed} rejoué(s), {again} de nouveau en lettres mortes, {left} restant(s)",
    "rebuild_started": "reconstruction lancée",
    "rebuild_state": "reconstruction : {state}",
    "rotated": "clés re-chiffrées : {rewrapped}, déjà à jour : {already_current}, échecs : {failed} (KEK {kek_id})",
    "http_error": "{service} a répondu {status} : {detail}",
    "no_token": "il faut un jeton : --token ou REDRESS_TOKEN (en développement : redress token --role admin)",
    "token_hint": "# signé par la clé publiée dans {jwks}",
    # argparse's own words
    "usage: ": "utilisation : ", "positional arguments": "arguments positionnels", "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (parmi %(choices)s)",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "expected one argument": "une valeur attendue",
    "invalid %(type)s value: %(value)r": "valeur %(type)s invalide : %(value)r",
}

EN: dict[str, str] = {
    "description": "Redress operator tool: service status, chain verification, dead letters, rebuild, key "
                   "rotation, development tokens.",
    "lang": "language of the messages: fr (default) or en (also LANG=en*)",
    "url": "a service's address, e.g. intake=https://intake.example.org (repeatable; else REDRESS_<SERVICE>_URL, "
           "else http://127.0.0.1:8001 to 8005)",
    "token": "access token (else the REDRESS_TOKEN variable)",
    "status": "health, readiness, consumer lag, outbox and dead letters of each service",
    "services": "services to ask (default: all)",
    "verify": "verify a service's hash chains, with a progress bar",
    "service": "the service",
    "page": "commits verified per request",
    "replay": "replay a dead-letter topic through the group's handlers (with the worker's <SERVICE>_* settings)",
    "purpose": "the consumer group without the service name (e.g. intake for casework.intake)",
    "rebuild": "rebuild advocacy's projections from the topics, then swap them in",
    "no_wait": "do not wait for the end",
    "rotate": "re-wrap intake's data keys under the current key-encryption key (KEK)",
    "token_help": "mint a development token (never on real data)",
    "sub": "token subject", "role": "role (repeatable)", "org": "organisation, e.g. org-amdh",
    "ttl": "lifetime in seconds", "keys_dir": "key directory (default $REDRESS_DEV_KEYS_DIR or .cache/devkeys)",
    "col_service": "service", "col_health": "alive", "col_ready": "ready", "col_outbox": "outbox",
    "col_oldest": "oldest (s)", "col_lag": "lag", "col_dlq": "dead letters",
    "yes": "yes", "no": "no", "unreachable": "unreachable",
    "progress": "{done}/{total} commits",
    "chains_ok": "{service}: {aggregates} aggregates, {commits} commits, chains intact",
    "chains_broken": "{service}: {count} defect(s) in the chains:",
    "replayed": "{topic}: {replayed} replayed, {again} dead-lettered again, {left} left",
    "rebuild_started": "rebuild started",
    "rebuild_state": "rebuild: {state}",
    "rotated": "keys re-wrapped: {rewrapped}, already current: {already_current}, failed: {failed} (KEK {kek_id})",
    "http_error": "{service} answered {status}: {detail}",
    "no_token": "a token is needed: --token or REDRESS_TOKEN (in development: redress token --role admin)",
    "token_hint": "# signed by the key published in {jwks}",
}


def language(argv: Sequence[str], environ: dict[str, str] | None = None) -> str:
    """`--lang` wins, then LANG=en*; French otherwise."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1].startswith("en") else "fr"
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1].startswith("en") else "fr"
    env = os.environ if environ is None else environ
    return "en" if env.get("LANG", "").startswith("en") else "fr"


class Texts:
    """The words of one language; `t("key", **values)` formats one."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.words = EN if lang == "en" else FR

    def __call__(self, key: str, **values: object) -> str:
        text = self.words.get(key, EN.get(key, key))
        return text.format(**values) if values else text

    def install_argparse(self) -> None:
        """argparse's own words ('usage:', errors) in this language; the CLI is its own process."""
        words = self.words
        argparse._ = lambda message: words.get(message, message)  # type: ignore[attr-defined]
