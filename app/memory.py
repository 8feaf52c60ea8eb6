"""Keeping the server's resident memory close to what it really holds (bench B6: a server's
peak RSS at most 200 MB over the whole bench run).

A password hash takes 64 MiB for a moment (argon2-cffi's default, SECURITY.md), on top of
whatever the process holds then. Without the two measures below, glibc's malloc kept what
earlier requests had freed, so the base under that 64 MiB crept up from one benchmark to the
next (idle 97 MB; 132 MB after the apply benchmark, whose 1 MiB CVs stayed in the heap; 150
MB after the statistics page), and a login then peaked at 197-218 MB.

- A fixed mmap threshold (256 KiB). glibc raises its threshold by itself after a large
  block is freed (up to 32 MiB), so CV uploads, drawn CV pages and exports were then carved
  from the heap and stayed there after being freed. With a fixed threshold a large block
  gets its own mapping and goes back to the system when freed. It cost no measurable time
  in B2 (apply with a 1 MiB CV) or B8 (a CV page).
- malloc_trim before each password hash: freed heap pages go back to the system just before
  the process's largest moment.

Measured with `make bench`, SQLite, the RSS before and at the peak of each benchmark:
before this module, B3 132 -> 197 MB, B8 150 -> 218 MB; with it, see the B6 row's
per_benchmark_start_mb and per_benchmark_peak_mb in bench/results/latest.json.

Only glibc has these calls; elsewhere (musl, macOS) this does nothing."""

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
MMAP_THRESHOLD = 256 * 1024

_libc: ctypes.CDLL | None = None


def _glibc() -> ctypes.CDLL | None:
    global _libc
    if _libc is None:
        name = ctypes.util.find_library("c")
        try:
            libc = ctypes.CDLL(name or "libc.so.6")
            libc.mallopt  # noqa: B018 - glibc only: AttributeError elsewhere
            libc.malloc_trim  # noqa: B018
        except (OSError, AttributeError):
            return None
        _libc = libc
    return _libc


def tune() -> bool:
    """Once, at start-up: large blocks in mappings of their own. True when it took effect."""
    libc = _glibc()
    if libc is None:
        return False
    ok = bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    if not ok:
        log.warning("mallopt(M_MMAP_THRESHOLD) refused; memory is left as glibc manages it")
    return ok


def give_back() -> None:
    """Return the heap's free pages to the system (a few milliseconds; off the event loop)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
