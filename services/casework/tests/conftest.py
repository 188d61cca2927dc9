"""Casework's test-support modules are imported by name, as the root config does for servicekit's.

(`--import-mode=importlib` adds no test folder to sys.path; the root pyproject lists servicekit's
support folder, and this conftest adds casework's, next to it.)
"""

from __future__ import annotations

import sys
from pathlib import Path

SUPPORT = str(Path(__file__).parent / "support")
if SUPPORT not in sys.path:
    sys.path.insert(0, SUPPORT)
