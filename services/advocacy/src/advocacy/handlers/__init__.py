"""Advocacy's command handlers, one module per aggregate; they never talk to Kafka (the outbox relay publishes).

Consumed events only feed the indicators' read model: their handlers are in `projections.recorders`.
"""
