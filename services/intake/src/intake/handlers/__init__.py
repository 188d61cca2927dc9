"""One async function per command, split by aggregate; they never talk to Kafka (the outbox relay publishes)."""
