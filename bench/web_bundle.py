"""Measure the web app's first load: the JS and CSS that web/dist/index.html pulls, compressed.

    npm --prefix web run build && uv run python bench/web_bundle.py

Writes bench/results/web-bundle.json. Gzip at level 9 (what a static host serves pre-compressed) and,
when Node is on the machine, Brotli at quality 11 through Node's zlib (Python's standard library has
no Brotli). The service worker, the manifest and the icon load after the first paint and are listed
apart. No network: the files are read from disk.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "web" / "dist"
OUT = ROOT / "bench" / "results" / "web-bundle.json"
BUDGET_BYTES = 200 * 1024
ASSET = re.compile(r'(?:src|href)="(/assets/[^"]+\.(?:js|css))"')


def brotli_size(data: bytes) -> int | None:
    """Brotli-compressed size (quality 11) through Node's zlib, or None without Node."""
    node = shutil.which("node")
    if node is None:
        return None
    script = ("const z=require('zlib');const c=[];process.stdin.on('data',d=>c.push(d)).on('end',()=>"
              "{process.stdout.write(String(z.brotliCompressSync(Buffer.concat(c),{params:{"
              "[z.constants.BROTLI_PARAM_QUALITY]:11}}).length))})")
    result = subprocess.run([node, "-e", script], input=data, capture_output=True, check=True)
    return int(result.stdout)


def first_load_files(index_html: str) -> list[Path]:
    """The scripts, module preloads and stylesheets index.html names, in order."""
    return [DIST / path.lstrip("/") for path in dict.fromkeys(ASSET.findall(index_html))]


def measure(path: Path) -> dict[str, object]:
    """Raw, gzip and brotli sizes of one file."""
    data = path.read_bytes()
    return {"file": str(path.relative_to(DIST)), "raw": len(data), "gzip": len(gzip.compress(data, 9)),
            "brotli": brotli_size(data)}


def main() -> None:
    """Measure and write the result file, then print a one-line summary."""
    index = (DIST / "index.html").read_text(encoding="utf-8")
    files = [measure(p) for p in first_load_files(index)]
    later = [measure(DIST / name) for name in ("sw.js", "manifest.webmanifest", "icon.svg") if (DIST / name).exists()]
    total = {key: sum(int(f[key] or 0) for f in files) for key in ("raw", "gzip", "brotli")}
    if any(f["brotli"] is None for f in files):
        total["brotli"] = 0
    result = {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "first_load": files, "first_load_total": total, "after_first_paint": later,
        "budget_bytes": BUDGET_BYTES, "within_budget": total["gzip"] <= BUDGET_BYTES,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"first load: {total['raw']} B raw, {total['gzip']} B gzip, {total['brotli']} B brotli "
          f"(budget {BUDGET_BYTES} B) -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
