"""SSRF guard: which addresses a crawler driven by untrusted links must never connect to.

A site under inspection controls its links and redirects, so without this guard a page could
make us probe the inspector's own network (router admin pages, cloud metadata at
169.254.169.254, services on loopback). `--allow-private` lifts the guard for local testing,
and an address given by `--resolve` is trusted because the operator typed it.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

__all__ = ["is_forbidden_address"]

# Ranges `ipaddress`' is_private/is_reserved flags do not (or not in every Python version)
# cover, checked explicitly so the verdict does not depend on the interpreter's tables.
_EXTRA_FORBIDDEN_V4 = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT (RFC 6598)
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # TEST-NET-1
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # TEST-NET-2
        "203.0.113.0/24",  # TEST-NET-3
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, incl. broadcast
    )
)
_EXTRA_FORBIDDEN_V6 = tuple(
    ipaddress.ip_network(n)
    for n in (
        "::/128",
        "::1/128",
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments (Teredo etc. have embedded v4)
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
    )
)


@lru_cache(maxsize=4096)
def is_forbidden_address(ip: str) -> bool:
    """True when `ip` must not be connected to without `--allow-private`.

    Covers private, loopback, link-local, unspecified, multicast, reserved, CGNAT, documentation
    and benchmarking ranges, and the same addresses hidden inside IPv6 (IPv4-mapped
    ``::ffff:127.0.0.1``, NAT64 ``64:ff9b::7f00:1``, 6to4 ``2002:7f00:1::``). A string that is not
    an IP address at all is forbidden: the caller can never connect to it safely.
    """
    try:
        addr = ipaddress.ip_address(ip.strip("[]").split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(addr, ipaddress.IPv6Address):
        embedded = _embedded_v4(addr)
        if embedded is not None:
            # A transition address goes wherever its IPv4 part goes; judge that.
            return is_forbidden_address(str(embedded))
        if (
            addr.is_private
            or addr.is_loopback
            or addr.is_link_local
            or addr.is_site_local
            or addr.is_unspecified
            or addr.is_multicast
            or addr.is_reserved
        ):
            return True
        return any(addr in net for net in _EXTRA_FORBIDDEN_V6)
    if (
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_unspecified
        or addr.is_multicast
        or addr.is_reserved
    ):
        return True
    return any(addr in net for net in _EXTRA_FORBIDDEN_V4)


def _embedded_v4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address routes to, when it is a transition form."""
    if addr.ipv4_mapped is not None:  # ::ffff:a.b.c.d
        return addr.ipv4_mapped
    if addr.sixtofour is not None:  # 2002:aabb:ccdd::/48
        return addr.sixtofour
    packed = addr.packed
    if packed[:12] == bytes.fromhex("0064ff9b0000000000000000"):  # NAT64 64:ff9b::/96
        return ipaddress.IPv4Address(packed[12:])
    return None
