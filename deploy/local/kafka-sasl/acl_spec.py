"""The Kafka ACLs of each service principal, derived from the services' own code.

Each service writes only its own topics (every topic, DLQ included, starts with `<service>.`) and
reads only the topics its consumer groups subscribe to (`subscriptions.py` GROUPS), its own topics
(read back by the kit's `<service>.webhooks` group, which turns them into webhook deliveries) and its
own groups' dead-letter topics; it may join only its own consumer groups (`<service>.<purpose>`).
Printed as tab-separated lines that SaslAdmin.java applies with the Kafka Admin API:

    topic   <name>                     (a topic to pre-create: services must not create others' topics)
    acl     <principal> <resource type> <pattern type> <resource name> <operation>

    python deploy/local/kafka-sasl/acl_spec.py [--namespace staging.]
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Iterator
from dataclasses import dataclass

SERVICES = ("intake", "casework", "advocacy", "education", "notify")
WEBHOOKS_PURPOSE = "webhooks"  # servicekit.webhooks.wiring.PURPOSE


@dataclass(frozen=True)
class ServiceTopics:
    """What one service owns and consumes, as its code declares it."""

    service: str
    owned: frozenset[str]
    consumed: frozenset[str]
    groups: frozenset[str]

    @property
    def dead_letters(self) -> frozenset[str]:
        return frozenset(f"{group}.dlq" for group in self.groups)


def service_topics(service: str) -> ServiceTopics:
    aggregates = importlib.import_module(f"{service}.domain").AGGREGATES
    groups = importlib.import_module(f"{service}.subscriptions").GROUPS
    owned = frozenset(aggregate.topic for aggregate in aggregates)
    return ServiceTopics(
        service=service,
        owned=owned,
        # The kit's webhooks group reads the service's own topics (servicekit.webhooks).
        consumed=frozenset(topic for group in groups for topic in group.topics) | owned,
        groups=frozenset(f"{service}.{purpose}" for purpose in [*(g.purpose for g in groups), WEBHOOKS_PURPOSE]),
    )


def acl_lines(topics: ServiceTopics, namespace: str = "") -> Iterator[tuple[str, ...]]:
    """The ACL bindings of one service principal (User:<service>)."""
    principal, own_prefix = f"User:{topics.service}", f"{namespace}{topics.service}."
    # Its own topics and its own DLQs: write, create (local stacks let services create their topics), describe.
    for operation in ("WRITE", "CREATE", "DESCRIBE"):
        yield ("acl", principal, "TOPIC", "PREFIXED", own_prefix, operation)
    # Only what it subscribes to, and its own groups' dead letters (to inspect or replay them).
    for topic in sorted(topics.consumed | topics.dead_letters):
        for operation in ("READ", "DESCRIBE"):
            yield ("acl", principal, "TOPIC", "LITERAL", f"{namespace}{topic}", operation)
    # Only its own consumer groups.
    for operation in ("READ", "DESCRIBE"):
        yield ("acl", principal, "GROUP", "PREFIXED", own_prefix, operation)


def spec_lines(namespace: str = "") -> Iterator[tuple[str, ...]]:
    every = [service_topics(service) for service in SERVICES]
    wanted = set()
    for topics in every:
        wanted |= topics.owned | topics.consumed | topics.dead_letters
    for topic in sorted(wanted):
        yield ("topic", f"{namespace}{topic}")
    for topics in every:
        yield from acl_lines(topics, namespace)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--namespace", default="", help="topic namespace of the deployment, e.g. 'staging.'")
    args = parser.parse_args()
    for line in spec_lines(args.namespace):
        print("\t".join(line))


if __name__ == "__main__":
    main()
