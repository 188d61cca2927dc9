"""Where a webhook may go: public http(s) addresses only, unless private ones are allowed."""

from __future__ import annotations

import ipaddress

import pytest
from servicekit.errors import InvalidInput
from servicekit.webhooks.urlguard import guard_url, parse_url, refused_address


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254",
                                     "100.64.0.1", "::1", "fe80::1", "fc00::1", "::ffff:10.0.0.1", "0.0.0.0"])
def test_non_global_addresses_are_refused(address):
    assert refused_address(ipaddress.ip_address(address), allow_private=False)


@pytest.mark.parametrize("address", ["8.8.8.8", "2001:4860:4860::8888", "41.73.114.2"])
def test_global_addresses_are_allowed(address):
    assert not refused_address(ipaddress.ip_address(address), allow_private=False)


def test_the_setting_allows_loopback_and_private_but_never_multicast():
    assert not refused_address(ipaddress.ip_address("127.0.0.1"), allow_private=True)
    assert not refused_address(ipaddress.ip_address("10.0.0.1"), allow_private=True)
    assert refused_address(ipaddress.ip_address("224.0.0.1"), allow_private=True)


@pytest.mark.parametrize(("url", "code"), [
    ("ftp://example.org/x", "webhook_url_scheme"),
    ("file:///etc/passwd", "webhook_url_scheme"),
    ("https://user:pw@example.org/", "webhook_url_credentials"),
    ("https:///nohost", "webhook_url_malformed"),
    ("http://example.org:99999/", "webhook_url_malformed"),
    ("https://example.org/" + "a" * 2100, "webhook_url_too_long"),
])
def test_malformed_urls_are_refused_naming_url(url, code):
    with pytest.raises(InvalidInput) as refused:
        parse_url(url)
    assert (refused.value.code, refused.value.field) == (code, "url")


async def test_an_ip_literal_on_loopback_is_refused_without_the_setting():
    with pytest.raises(InvalidInput) as refused:
        await guard_url("http://127.0.0.1:18490/hooks", allow_private=False)
    assert (refused.value.code, refused.value.field) == ("webhook_url_private", "url")


async def test_a_metadata_endpoint_address_is_refused():
    with pytest.raises(InvalidInput) as refused:
        await guard_url("http://169.254.169.254/latest/meta-data/", allow_private=False)
    assert refused.value.code == "webhook_url_private"


async def test_an_ip_literal_on_loopback_is_accepted_with_the_setting():
    parts = await guard_url("http://127.0.0.1:18490/hooks", allow_private=True)
    assert (parts.hostname, parts.port) == ("127.0.0.1", 18490)
