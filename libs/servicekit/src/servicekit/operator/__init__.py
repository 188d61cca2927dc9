"""The operator CLI `redress`: status, verify, replay-dlq, rebuild, rotate-keys, token."""
