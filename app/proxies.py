"""Which address sent the request: the socket's peer, or, when that peer is one of the
proxies named in INTAKE_TRUSTED_PROXIES, the client its X-Forwarded-For names (issue 16
item 11; ASVS 5.0 4.1.3: headers set by an intermediary are trusted only from it).

Resolved here, in the app, from one validated setting, instead of by uvicorn's
`--forwarded-allow-ips`: uvicorn trusts 127.0.0.1 even without `--proxy-headers`, reads its
own variable (FORWARDED_ALLOW_IPS), and keeps a mistyped address as a name that never
matches, silently. So every server command runs uvicorn with `--no-proxy-headers`, and the
same rule holds under any ASGI server and in tests. The per-client limits and the truncated
IP (app.privacy.ip) both use the address resolved here."""

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str) -> tuple[str, ...]:
    """`10.0.0.5, 192.168.0.0/16, ::1` as normalised networks; ValueError names a bad one."""
    networks = []
    for item in value.split(","):
        item = item.strip()
        if item:
            try:
                networks.append(str(ipaddress.ip_network(item, strict=False)))
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network") from None
    return tuple(networks)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address as a proxy writes it: bare, `1.2.3.4:port` or `[v6]:port`."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


class TrustedProxies:
    def __init__(self, networks: Iterable[str]) -> None:
        self.networks: tuple[Network, ...] = tuple(ipaddress.ip_network(n) for n in networks)
        self.trusts = lru_cache(maxsize=1024)(self._trusts)

    def __bool__(self) -> bool:
        return bool(self.networks)

    def _trusts(self, value: str) -> bool:
        ip = _address(value)
        return ip is not None and any(ip in network for network in self.networks)

    def client(self, peer: str, forwarded_for: list[bytes]) -> str:
        """The peer, unless it is a trusted proxy: then the right-most X-Forwarded-For entry
        that is not a trusted proxy itself (entries left of it were written by the client
        and prove nothing), or the left-most when every entry is one."""
        if not forwarded_for or not self.trusts(peer):
            return peer
        chain = [e.strip() for e in b",".join(forwarded_for).decode("latin-1").split(",")]
        chain = [e for e in chain if e]
        for entry in reversed(chain):
            if not self.trusts(entry):
                ip = _address(entry)
                return str(ip) if ip is not None else ""  # garbage: no address at all
        return str(_address(chain[0])) if chain else peer
