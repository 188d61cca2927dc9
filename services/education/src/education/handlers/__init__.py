"""Education's command handlers (sessions, campaigns) and consumed-event handlers (incident facts)."""
