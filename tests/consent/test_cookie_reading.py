"""Set-Cookie read as browsers read it, and the domains a refused cookie must be deleted on."""
# ruff: noqa: E501  (a table of cases reads best one case a line)

from __future__ import annotations

import pytest

from antechamber.consent.enforce import deletion_domains, is_deletion

NOW = 1_780_000_000.0  # 2026-05-28, injected: no test depends on the clock
PAST = "Thu, 01 Jan 1970 00:00:00 GMT"
FUTURE = "Fri, 01 Jan 2100 00:00:00 GMT"

# (name, Set-Cookie value, whether a browser deletes the cookie)
SET_COOKIE = [
    ("Max-Age=0", "_ga=; Max-Age=0; Path=/", True),
    ("negative Max-Age", "_ga=; Max-Age=-1", True),
    ("Expires in the past", f"_ga=; Expires={PAST}; Path=/", True),
    ("Expires in the future", f"_ga=x; Expires={FUTURE}", False),
    ("no expiry: a session cookie", "_ga=x; Path=/", False),
    ("an empty value alone is no deletion", "_ga=; Path=/", False),
    ("issue case 8: Max-Age wins over a past Expires", f"_ga=x; Expires={PAST}; Max-Age=31536000", False),
    ("Max-Age wins whatever the order", f"_ga=x; Max-Age=31536000; Expires={PAST}", False),
    ("Max-Age=0 wins over a future Expires", f"_ga=; Expires={FUTURE}; Max-Age=0", True),
    ("the last Max-Age wins: kept", "_ga=x; Max-Age=0; Max-Age=31536000", False),
    ("the last Max-Age wins: deleted", "_ga=x; Max-Age=31536000; Max-Age=0", True),
    ("an invalid Max-Age is ignored", f"_ga=x; Max-Age=soon; Expires={PAST}", True),
    ("an invalid last Max-Age leaves the valid one", "_ga=x; Max-Age=0; Max-Age=1e9", True),
    ("Max-Age with a plus sign is invalid", "_ga=x; Max-Age=+5; Max-Age=0", True),
    ("attribute names in any case", f"_ga=x; EXPIRES={PAST}; max-AGE=60", False),
    ("an unreadable Expires is ignored", "_ga=x; Expires=yesterday", False),
    ("the last valid Expires counts", f"_ga=x; Expires={FUTURE}; Expires={PAST}", True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("set_cookie", "deletes"), [c[1:] for c in SET_COOKIE], ids=[c[0] for c in SET_COOKIE]
)
def test_a_set_cookie_is_a_deletion_as_browsers_read_it(set_cookie: str, deletes: bool) -> None:
    assert is_deletion(set_cookie, now=NOW) is deletes


def test_expires_is_compared_with_the_time_given() -> None:
    line = "_ga=x; Expires=Wed, 27 May 2026 00:00:00 GMT"
    assert is_deletion(line, now=NOW) is True
    assert is_deletion(line, now=NOW - 10 * 86400) is False


# (name, Host header, Domain values a refused cookie may carry there)
HOSTS = [
    ("www on a .com", "www.example.com", ["www.example.com", "example.com"]),
    ("the apex", "example.com", ["example.com"]),
    ("deeper", "shop.eu.example.com", ["shop.eu.example.com", "eu.example.com", "example.com"]),
    ("a two-label public suffix", "www.example.co.uk", ["www.example.co.uk", "example.co.uk"]),
    ("port", "www.example.com:8443", ["www.example.com", "example.com"]),
    ("trailing dot", "www.example.com.", ["www.example.com", "example.com"]),
    ("upper case", "WWW.Example.COM", ["www.example.com", "example.com"]),
    ("IDNA", "www.пример.рф", ["www.xn--e1afmkfd.xn--p1ai", "xn--e1afmkfd.xn--p1ai"]),
    ("already IDNA", "xn--e1afmkfd.xn--p1ai", ["xn--e1afmkfd.xn--p1ai"]),
    ("an app on a private suffix", "myapp.github.io", ["myapp.github.io"]),
    ("www of an app on a private suffix", "www.myapp.github.io", ["www.myapp.github.io", "myapp.github.io"]),
    ("the host is a public suffix", "github.io", []),
    ("a bare TLD", "com", []),
    ("localhost", "localhost", []),
    ("localhost with a port", "localhost:8000", []),
    ("IPv4", "127.0.0.1", []),
    ("IPv4 with a port", "192.168.1.10:8080", []),
    ("IPv6", "[::1]:8000", []),
    ("IPv6 unbracketed", "2001:db8::1", []),
    ("empty", "", []),
    ("junk", "exa mple.com", []),
    ("empty label", "www..example.com", []),
]  # fmt: skip


@pytest.mark.parametrize(("host", "domains"), [c[1:] for c in HOSTS], ids=[c[0] for c in HOSTS])
def test_deletion_domains_reach_down_to_the_registrable_domain(
    host: str, domains: list[str]
) -> None:
    assert deletion_domains(host) == domains
