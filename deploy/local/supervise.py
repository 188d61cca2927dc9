"""The supervisor of `make run`: starts every process, restarts the ones that exit, stops all on a signal.

    supervise.py --spec FILE [--ready URL ...] [--after CMD] [--banner FILE] [--pids FILE] [--on-exit CMD]

The spec has one process per line: `name<TAB>log file<TAB>command` (the command shell-quoted, as
bash's `printf %q` writes it). A process that exits is started again after a backoff (1 s, doubling
to 30 s; back to 1 s once it ran a minute). SIGINT and SIGTERM stop everything: SIGTERM to each
process group, SIGKILL after 10 s, then the `--on-exit` command. Python installs its own handlers,
so SIGINT is honoured even when the shell that started us ignored it (a background, non-interactive
start). Nothing is left behind: no `sleep`, no orphaned service.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

BACKOFF_FIRST, BACKOFF_MAX, HEALTHY_RUN = 1.0, 30.0, 60.0
STOP_GRACE = 10.0


def say(message: str) -> None:
    print(f"[redress] {message}", file=sys.stderr, flush=True)


@dataclass
class Supervised:
    """One process and its restart bookkeeping."""

    name: str
    log: Path
    argv: list[str]
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    backoff: float = BACKOFF_FIRST
    restart_at: float | None = None
    restarts: int = 0
    exits: list[int] = field(default_factory=list)

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            # A session of its own: a terminal's Ctrl-C reaches the supervisor only, which stops children in order.
            self.proc = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        self.started_at, self.restart_at = time.monotonic(), None

    def poll(self, now: float) -> bool:
        """Notice an exit and plan the restart; True when the pid changed (restarted)."""
        if self.proc is not None and self.proc.poll() is not None:
            code = self.proc.returncode
            self.exits.append(code)
            ran = now - self.started_at
            self.backoff = BACKOFF_FIRST if ran >= HEALTHY_RUN else min(self.backoff * 2, BACKOFF_MAX)
            delay = BACKOFF_FIRST if ran >= HEALTHY_RUN else self.backoff / 2
            say(f"{self.name} exited with code {code} after {ran:.0f}s; restarting in {delay:.0f}s (log: {self.log})")
            self.proc, self.restart_at = None, now + delay
        if self.proc is None and self.restart_at is not None and now >= self.restart_at:
            self.start()
            self.restarts += 1
            return True
        return False

    def signal(self, sig: int) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


def read_spec(path: Path) -> list[Supervised]:
    processes = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            name, log, command = line.split("\t", 2)
            processes.append(Supervised(name, Path(log), shlex.split(command)))
    return processes


class Supervisor:
    """Keeps the spec's processes running until a signal says stop."""

    def __init__(self, processes: list[Supervised], pids_file: Path | None) -> None:
        self.processes = processes
        self.pids_file = pids_file
        self.stop_signal: int | None = None

    def on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self.stop_signal = self.stop_signal or signum

    def install_signals(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.on_signal)

    def write_pids(self) -> None:
        if self.pids_file is not None:
            pids = {p.name: p.proc.pid for p in self.processes if p.proc is not None}
            tmp = self.pids_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(pids))
            tmp.replace(self.pids_file)

    def start_all(self) -> None:
        for process in self.processes:
            process.start()
        self.write_pids()

    def wait_ready(self, urls: list[str], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        for url in urls:
            while not self.stop_signal and not _answers(url):
                self.tick()
                if time.monotonic() > deadline:
                    say(f"{url} did not answer in {timeout:.0f}s; see the logs")
                    return False
                time.sleep(0.5)
        return not self.stop_signal

    def tick(self) -> None:
        now = time.monotonic()
        if any([p.poll(now) for p in self.processes]):
            self.write_pids()

    def supervise(self, after: list[str] | None = None, banner: str | None = None) -> None:
        """Restart what exits until a signal; run `after` once alongside, then print the banner."""
        helper = subprocess.Popen(after, stdin=subprocess.DEVNULL) if after else None
        try:
            while not self.stop_signal:
                self.tick()
                if banner is not None and (helper is None or helper.poll() is not None):
                    print(banner, flush=True)
                    banner = None
                time.sleep(0.5)
        finally:
            if helper is not None and helper.poll() is None:
                helper.terminate()
                helper.wait()

    def stop_all(self) -> None:
        say("stopping the services...")
        for process in self.processes:
            process.signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        while any(p.alive() for p in self.processes) and time.monotonic() < deadline:
            time.sleep(0.1)
        for process in self.processes:
            process.signal(signal.SIGKILL)
            if process.proc is not None:
                process.proc.wait()
        if self.pids_file is not None:
            self.pids_file.unlink(missing_ok=True)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (loopback health URLs we built)
            return bool(response.status == 200)
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--ready", action="append", default=[], help="health URL to wait for (repeatable)")
    parser.add_argument("--ready-timeout", type=float, default=120.0)
    parser.add_argument("--after", help="command run once everything answers (the demo)")
    parser.add_argument("--banner", type=Path, help="text printed once everything answers")
    parser.add_argument("--pids", type=Path, help="file kept up to date with each process's pid (JSON)")
    parser.add_argument("--on-exit", help="command run after every process stopped")
    args = parser.parse_args()
    supervisor = Supervisor(read_spec(args.spec), args.pids)
    supervisor.install_signals()
    supervisor.start_all()
    try:
        ready = supervisor.wait_ready(args.ready, args.ready_timeout)
        for url in args.ready if ready else []:
            say(f"  ready: {url.rsplit('/', 1)[0]}")
        banner = args.banner.read_text(encoding="utf-8") if args.banner is not None and ready else None
        supervisor.supervise(shlex.split(args.after) if args.after and ready else None, banner)
    finally:
        supervisor.stop_all()
        if args.on_exit:
            subprocess.run(shlex.split(args.on_exit), check=False, stdin=subprocess.DEVNULL)
        say("stopped.")
    return 128 + (supervisor.stop_signal or signal.SIGTERM)


if __name__ == "__main__":
    sys.exit(main())
