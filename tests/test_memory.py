"""app/memory.py: with the mmap threshold fixed, large blocks freed by a request go back to
the system, so the server's base under a login's 64 MiB does not creep (bench B6). Each case
runs in a fresh interpreter: the setting is process-wide and the suite's own heap would
hide the effect."""

import subprocess
import sys
from pathlib import Path

import pytest

from app import memory

ROOT = Path(__file__).resolve().parent.parent

# Eight 1 MiB CV uploads at a time, freed, with something small kept above them each time.
# The first free of a 1 MiB block raises glibc's own threshold past 1 MiB (unless fixed).
PROBE = """
import sys
sys.path.insert(0, {root!r})
from app import memory

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024

if {tuned}:
    assert memory.tune()
first = bytearray(1024 * 1024)
del first
base = rss()
keep = []
for burst in range(10):
    uploads = [bytearray(1024 * 1024) for _ in range(8)]
    keep.append(bytearray(4000))
    del uploads
if {trim}:
    memory.give_back()
print(rss() - base)
"""

glibc_only = pytest.mark.skipif(memory._glibc() is None, reason="glibc's malloc only")


def _growth_mb(tuned: bool, trim: bool = False) -> float:
    script = PROBE.format(root=str(ROOT), tuned=tuned, trim=trim)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


@glibc_only
def test_freed_uploads_go_back_to_the_system() -> None:
    assert _growth_mb(tuned=True) < 2


@glibc_only
def test_without_it_glibc_keeps_them() -> None:
    """The control: the probe does show the creep that tune() prevents."""
    assert _growth_mb(tuned=False) > 4


@glibc_only
def test_give_back_returns_what_the_heap_kept() -> None:
    """What runs before each password hash (app/staff/passwords.py)."""
    assert _growth_mb(tuned=False, trim=True) < 2
