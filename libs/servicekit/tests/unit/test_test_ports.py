"""The test support's free ports: a port handed to one run is not handed to another while its service starts."""

import os
import socket

from servicekit.testing import infra as testing


def test_a_port_claimed_by_one_run_is_refused_to_the_next(tmp_path, monkeypatch):
    monkeypatch.setattr(testing, "PORT_CLAIMS", tmp_path)
    port = testing.free_port()
    assert (tmp_path / str(port)).exists()
    assert testing._claim(port) is False


def test_an_old_claim_is_taken_over(tmp_path, monkeypatch):
    monkeypatch.setattr(testing, "PORT_CLAIMS", tmp_path)
    assert testing._claim(40123) is True
    old = os.stat(tmp_path / "40123").st_mtime - testing.PORT_CLAIM_SECONDS - 1
    os.utime(tmp_path / "40123", (old, old))
    assert testing._claim(40123) is True


def test_free_port_skips_claimed_ports(tmp_path, monkeypatch):
    monkeypatch.setattr(testing, "PORT_CLAIMS", tmp_path)
    handed = {testing.free_port() for _ in range(20)}
    assert len(handed) == 20
    for port in handed:
        with socket.socket() as sock:  # and each is still free to bind
            sock.bind(("127.0.0.1", port))
