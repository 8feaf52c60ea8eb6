"""IP truncation (policy: "the IP will although be anonymized as much as possible").

Applied to the ASGI scope on arrival, before any handler, log line or table sees the address."""

import ipaddress


def truncate_ip(address: str | None) -> str:
    """IPv4 to its /24, IPv6 to its /48; an IPv4-mapped IPv6 address is treated as IPv4.

    Anything that does not parse becomes "" rather than being kept as typed."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address.strip().split("%")[0])
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    network = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
    return str(network.network_address)
