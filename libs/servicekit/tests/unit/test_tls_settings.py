"""TLS settings of the kit's Kafka and store clients: given together, used only where they mean something."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from servicekit.settings import BaseServiceSettings


def settings(**fields: object) -> BaseServiceSettings:
    return BaseServiceSettings(service_name="intake", **fields)


def test_broker_tls_files_with_a_plaintext_protocol_are_refused():
    with pytest.raises(ValidationError, match="SASL_SSL"):
        settings(kafka_ssl_ca_file=Path("/etc/redress/ca.crt"))


def test_a_client_certificate_without_its_key_is_refused():
    with pytest.raises(ValidationError, match="go together"):
        settings(kafka_security_protocol="SASL_SSL", kafka_sasl_username="intake",
                 kafka_sasl_password_file=Path("/p"), kafka_ssl_cert_file=Path("/etc/redress/tls.crt"))


def test_no_store_tls_setting_means_no_tls_option():
    assert settings().mongo_options() == {}


def test_a_store_ca_and_client_certificate_turn_tls_on():
    options = settings(mongo_tls_ca_file=Path("/tls/ca.crt"), mongo_tls_cert_key_file=Path("/tls/intake.pem"))
    assert options.mongo_options() == {"tls": True, "tlsCAFile": "/tls/ca.crt",
                                       "tlsCertificateKeyFile": "/tls/intake.pem"}
