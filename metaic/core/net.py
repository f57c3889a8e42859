"""The client's address: the direct peer, or what a trusted reverse proxy says the client was.

Only a peer inside TRUSTED_PROXIES is believed; anything else could write any X-Forwarded-For it
likes. Behind a chain of proxies the header is read from the right, skipping trusted hops, so the
first address not in the list is the client (a spoofed entry on the left is never reached).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from functools import lru_cache

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def parse_networks(spec: str) -> tuple[IPNetwork, ...]:
    """CIDRs (or single addresses) from a comma-separated setting; ValueError names a bad entry."""
    networks = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError as exc:
            raise ValueError(f"TRUSTED_PROXIES: {part!r} is not an address or CIDR") from exc
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An IP address from a header token (`1.2.3.4`, `1.2.3.4:80`, `[2001:db8::1]:443`, `"..."`), or None."""
    token = text.strip().strip('"')
    if token.startswith("["):
        token = token[1 : token.find("]")] if "]" in token else token[1:]
    elif token.count(":") == 1:
        token = token.split(":", 1)[0]
    try:
        return ipaddress.ip_address(token)
    except ValueError:
        return None


def _trusted(address, networks: tuple[IPNetwork, ...]) -> bool:
    """True when an address lies in one of the trusted networks."""
    return address is not None and any(address in network for network in networks)


def forwarded_chain(headers: Mapping[str, str]) -> list[str]:
    """The hops a proxy reported, leftmost (the original client) first: RFC 7239 `Forwarded`, else X-Forwarded-For."""
    forwarded = headers.get("forwarded", "")
    if forwarded:
        hops = []
        for element in forwarded.split(","):
            for pair in element.split(";"):
                name, _, value = pair.strip().partition("=")
                if name.lower() == "for":
                    hops.append(value)
        if hops:
            return hops
    return [hop for hop in headers.get("x-forwarded-for", "").split(",") if hop.strip()]


def client_address(peer: str, headers: Mapping[str, str], trusted_proxies: str) -> str:
    """The address to rate-limit and record for a request whose direct peer is `peer`."""
    networks = parse_networks(trusted_proxies)
    if not networks or not _trusted(_address(peer), networks):
        return peer
    chain = [_address(hop) for hop in forwarded_chain(headers)]
    for hop in reversed(chain):
        if hop is None:
            return peer  # `unknown`, an obfuscated name or junk: nothing to the left of it can be believed
        if not _trusted(hop, networks):
            return str(hop)
    # Every hop was a trusted proxy (or the header was empty): the leftmost is the best we have.
    return str(chain[0]) if chain else peer


def is_trusted_peer(peer: str, trusted_proxies: str) -> bool:
    """True when the direct peer is one of the trusted reverse proxies (its headers may be believed)."""
    return _trusted(_address(peer), parse_networks(trusted_proxies))
