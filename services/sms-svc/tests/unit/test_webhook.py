"""The webhook delivery's status table, back-off, signature, and the SSRF address rules."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import UTC, datetime, timedelta

import pytest
from aftersales_shared.errors import InvalidTransition
from sms_svc.adapters.webhook_http import internal, refused
from sms_svc.domain.addresses import RefusedUrl, host_of
from sms_svc.domain.webhook import (
    TRANSITIONS,
    Backoff,
    Event,
    Status,
    Try,
    WebhookDelivery,
    delivery_id,
    next_status,
)
from sms_svc.handlers.webhooks import sign

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
BACKOFF = Backoff(max_attempts=3, base=timedelta(seconds=10), cap=timedelta(seconds=60))


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("event", list(Event))
def test_every_pair_is_in_the_table_or_refused(status: Status, event: Event) -> None:
    if (status, event) in TRANSITIONS:
        assert next_status(status, event) == TRANSITIONS[(status, event)]
    else:
        with pytest.raises(InvalidTransition):
            next_status(status, event)


def delivery() -> WebhookDelivery:
    return WebhookDelivery.new(notice_id="ntc_1", seller_id="s1", body="{}", now=NOW)


def attempt(outcome: str, code: int | None = None) -> Try:
    return Try(NOW, 5, outcome, code)


def test_500_500_200_is_delivered_after_three_attempts_with_growing_waits() -> None:
    d = delivery()
    d.tried(attempt("http_500", 500), backoff=BACKOFF, rand=0.0, now=NOW)
    assert d.status == Status.PENDING
    assert d.next_at == NOW + timedelta(seconds=5)
    d.tried(attempt("http_500", 500), backoff=BACKOFF, rand=0.999, now=NOW)
    assert d.next_at is not None
    assert timedelta(seconds=19) < d.next_at - NOW <= timedelta(seconds=20)
    d.tried(attempt("ok", 200), backoff=BACKOFF, rand=0.5, now=NOW)
    assert d.status == Status.DELIVERED
    assert len(d.tries) == 3
    assert d.next_at is None


def test_dead_at_the_bound_and_a_redelivery_starts_a_new_round() -> None:
    d = delivery()
    for _ in range(3):
        d.tried(attempt("timeout"), backoff=BACKOFF, rand=0.5, now=NOW)
    assert d.status == Status.DEAD
    assert d.next_at is None
    d.redeliver(now=NOW)
    assert (d.status, d.round_tries, d.redeliveries, d.next_at) == (Status.PENDING, 0, 1, NOW)
    with pytest.raises(InvalidTransition):
        d.redeliver(now=NOW)


@pytest.mark.parametrize("failures", range(1, 12))
def test_backoff_is_capped_and_half_jitter(failures: int) -> None:
    low, high = BACKOFF.delay(failures, 0.0), BACKOFF.delay(failures, 0.9999)
    assert low <= high <= BACKOFF.cap
    assert high <= 2 * low + timedelta(milliseconds=1)


def test_signature_is_the_hex_hmac_of_the_body() -> None:
    body = b'{"id":"ntc_1"}'
    expected = hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert sign("secret", body) == f"sha256={expected}"
    assert delivery_id("ntc_1", "s1") == delivery_id("ntc_1", "s1") != delivery_id("ntc_1", "s2")


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.1", "172.16.5.5", "192.168.1.1", "169.254.169.254", "::1", "fe80::1",
     "fc00::1", "0.0.0.0", "::ffff:127.0.0.1", "100.64.0.1", "224.0.0.1"],
)  # fmt: skip
def test_internal_addresses_are_refused(address: str) -> None:
    assert internal(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert not internal(ipaddress.ip_address(address))
    assert refused([ipaddress.ip_address(address)]) is None


def test_one_internal_address_among_several_is_enough_to_refuse() -> None:
    found = [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.1")]
    assert refused(found) is not None
    assert refused([]) == "the host does not resolve"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "http:///x",
        "http://u:p@example.com/",
        "http://h:99999/",
        "http://[::1]/x",
        "http://h/a b",
    ],
)
def test_only_plain_http_urls_with_a_host(url: str) -> None:
    with pytest.raises(RefusedUrl):
        host_of(url)


def test_host_and_port_of_a_url() -> None:
    assert host_of("https://shop.example.com/hooks") == ("shop.example.com", 443)
    assert host_of("http://Shop.Example.com:8080/hooks?x=1") == ("shop.example.com", 8080)
