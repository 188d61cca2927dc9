"""The one default safe window for contacting a victim, shared by intake (consent) and notify (sending).

A victim's own window, recorded with their consent, always wins; this default applies when none was
given (intake records it at registration) or when notify holds none it can use. Times are wall-clock
times in Africa/Bamako. 08:00-18:00 keeps messages off the evening hours when a phone is most often
in other hands at home.
"""

from __future__ import annotations

SAFE_HOURS_TZ = "Africa/Bamako"
DEFAULT_SAFE_HOURS_START = "08:00"
DEFAULT_SAFE_HOURS_END = "18:00"
