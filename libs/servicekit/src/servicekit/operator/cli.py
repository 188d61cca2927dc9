"""`redress`: the operator's one entry point. Help and messages in French, or English with --lang en / LANG=en*."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from ..auth import ROLES
from .remote import SERVICES, Client, RemoteError, service_urls, status_of
from .texts import Texts, language

Command = Callable[[argparse.Namespace, Texts], int]


def parser(t: Texts) -> argparse.ArgumentParser:
    """The whole command line, its help in the chosen language."""
    top = argparse.ArgumentParser(prog="redress", description=t("description"))
    top.add_argument("--lang", choices=["fr", "en"], help=t("lang"))
    top.add_argument("--url", action="append", default=[], metavar="SERVICE=URL", help=t("url"))
    top.add_argument("--token", default=None, help=t("token"))
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMANDE" if t.lang == "fr" else "COMMAND")
    status = commands.add_parser("status", help=t("status"), description=t("status"))
    status.add_argument("services", nargs="*", choices=[[], *SERVICES], metavar="SERVICE", help=t("services"))
    verify = commands.add_parser("verify", help=t("verify"), description=t("verify"))
    verify.add_argument("service", choices=SERVICES, help=t("service"))
    verify.add_argument("--page", type=int, default=500, help=t("page"))
    replay = commands.add_parser("replay-dlq", help=t("replay"), description=t("replay"))
    replay.add_argument("service", choices=SERVICES, help=t("service"))
    replay.add_argument("purpose", help=t("purpose"))
    rebuild = commands.add_parser("rebuild", help=t("rebuild"), description=t("rebuild"))
    rebuild.add_argument("--no-wait", action="store_true", help=t("no_wait"))
    commands.add_parser("rotate-keys", help=t("rotate"), description=t("rotate"))
    token = commands.add_parser("token", help=t("token_help"), description=t("token_help"))
    token.add_argument("--sub", default="operator", help=t("sub"))
    token.add_argument("--role", action="append", default=[], choices=sorted(ROLES), help=t("role"))
    token.add_argument("--org", default=None, help=t("org"))
    token.add_argument("--ttl", type=int, default=3600, help=t("ttl"))
    token.add_argument("--keys-dir", type=Path, default=None, help=t("keys_dir"))
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `redress`."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    t = Texts(language(args_list))
    t.install_argparse()
    args = parser(t).parse_args(args_list)
    command: Command = COMMANDS[args.command]
    try:
        return command(args, t)
    except RemoteError as exc:
        print(t("http_error", service=exc.service, status=exc.status, detail=exc.detail), file=sys.stderr)
        return 2


def status(args: argparse.Namespace, t: Texts) -> int:
    """One line per service; exit 1 when one is not alive or not ready."""
    urls = service_urls(args.url)
    heads = [t("col_service"), t("col_health"), t("col_ready"), t("col_outbox"), t("col_oldest"), t("col_lag"),
             t("col_dlq")]
    rows, healthy = [heads], True
    for service in args.services or SERVICES:
        s = status_of(urls[service])
        ready = all(s.ready.values()) if s.ready else False
        healthy = healthy and s.alive and ready
        missing = [name for name, ok in (s.ready or {}).items() if not ok]
        rows.append([service, t("yes") if s.alive else t("unreachable"),
                     t("yes") if ready else (t("no") + (f" ({', '.join(missing)})" if missing else "")),
                     _figure(s.outbox), _figure(s.oldest_seconds), _figure(sum(s.lag.values()) if s.ready else None),
                     _figure(s.dead_letters)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(heads))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0 if healthy else 1


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def verify(args: argparse.Namespace, t: Texts) -> int:
    """Page through the service's chains with a progress bar on stderr; exit 1 on any defect."""
    client = Client(args.service, service_urls(args.url)[args.service], _token(args, t))
    done = aggregates = 0
    problems: list[dict[str, Any]] = []
    for page in client.integrity_pages(args.page):
        done += page["commits_checked"]
        aggregates += page["aggregates_checked"]
        problems += page["problems"]
        progress(done, max(page.get("commits_total") or done, done), t, sys.stderr)
    print(file=sys.stderr)
    if not problems:
        print(t("chains_ok", service=args.service, aggregates=aggregates, commits=done))
        return 0
    print(t("chains_broken", service=args.service, count=len(problems)))
    for problem in problems:
        print(f"  {problem['aggregate_id']} v{problem['version']}: {problem['problem']}")
    return 1


def progress(done: int, total: int, t: Texts, out: TextIO, width: int = 30) -> None:
    """A one-line bar, redrawn in place: [#######.......]  42 %  420/1000 commits."""
    share = done / total if total else 1.0
    bar = "#" * round(share * width)
    out.write(f"\r[{bar.ljust(width, '.')}] {share * 100:3.0f} %  {t('progress', done=done, total=total)}")
    out.flush()


def replay_dlq(args: argparse.Namespace, t: Texts) -> int:
    """Replay with the service's own settings (the worker's environment) and handlers."""
    from .dlq import consumer_group, replay

    group = consumer_group(args.service, args.purpose)

    async def run() -> Any:
        settings = importlib.import_module(f"{args.service}.config").Settings()
        deps = importlib.import_module(f"{args.service}.bootstrap").build_deps(settings)
        try:
            return await replay(settings, deps, group)
        finally:
            await deps.core.client.close()

    report = asyncio.run(run())
    print(t("replayed", topic=report.topic, replayed=report.replayed, again=report.again, left=report.left))
    return 0 if report.left == 0 else 1


def rebuild(args: argparse.Namespace, t: Texts, poll_seconds: float = 1.0, limit_seconds: float = 3600) -> int:
    """Start advocacy's rebuild, then follow it until it is done or failed."""
    client = Client("advocacy", service_urls(args.url)["advocacy"], _token(args, t))
    client.call("POST", "/admin/projections/rebuild")
    print(t("rebuild_started"))
    deadline = time.monotonic() + limit_seconds
    state = "running"
    while not args.no_wait and state == "running" and time.monotonic() < deadline:
        time.sleep(poll_seconds)
        state = (client.call("GET", "/admin/projections").get("rebuild") or {}).get("state", "running")
    if not args.no_wait:
        print(t("rebuild_state", state=state))
    return 0 if args.no_wait or state == "done" else 1


def rotate_keys(args: argparse.Namespace, t: Texts) -> int:
    """Ask intake to re-wrap every data key under its current KEK; exit 1 if any failed."""
    client = Client("intake", service_urls(args.url)["intake"], _token(args, t))
    report = client.call("POST", "/admin/keys/rotate")
    print(t("rotated", **report))
    return 0 if report["failed"] == 0 else 1


def token(args: argparse.Namespace, t: Texts) -> int:
    """Print a development token on stdout (the hint on stderr, so `$(redress token ...)` is the token)."""
    from ..devtokens import ensure_dev_keypair, mint_token

    keys = args.keys_dir or Path(os.environ.get("REDRESS_DEV_KEYS_DIR", ".cache/devkeys"))
    private, jwks = ensure_dev_keypair(keys)
    print(mint_token(private, subject=args.sub, roles=args.role or ["admin"], org=args.org, ttl_seconds=args.ttl))
    print(t("token_hint", jwks=jwks), file=sys.stderr)
    return 0


def _token(args: argparse.Namespace, t: Texts) -> str:
    value = args.token or os.environ.get("REDRESS_TOKEN")
    if not value:
        print(t("no_token"), file=sys.stderr)
        raise SystemExit(2)
    return value


COMMANDS: dict[str, Command] = {"status": status, "verify": verify, "replay-dlq": replay_dlq, "rebuild": rebuild,
                                "rotate-keys": rotate_keys, "token": token}

if __name__ == "__main__":
    raise SystemExit(main())
