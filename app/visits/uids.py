"""A visit's uid, ordered by its sign-in time: RFC 9562 version 7 (48 bits of Unix
milliseconds, then 74 random bits).

Why not uuid4: the retention sweep erases visits oldest first (app.privacy.sweep_visits). With
random uids every erased visit rewrote one random page of the uid index, 1.5 WAL frames
(4 KiB each) per visit, 6 GB for a sweep of 1,000,000 visits on SQLite, written once to the
WAL and again by its checkpoints. With uids in sign-in order a batch erases one contiguous run
of that index: 0.49 frames per visit, and the sweep of 1,000,000 visits took 7.3 s instead
of 21 s (the same batched DELETEs on a copy of bench B4's database, its uids rewritten in id
order). In bench B4 the whole sweep went from 19 s to 5.7 s. PostgreSQL's B-tree gains the same way. Nothing depends on a uid being unguessable (the
phone's sign-out link is a MAC, app.visits.phone_sign_out), and 74 random bits still are.

Hand-written, not a library: Python has uuid.uuid7 from 3.14 only, and the `uuid6` package
returns its own UUID subclass, which sqlite3 does not bind (its adapters are looked up by the
exact type). The lines below are RFC 9562's layout and nothing else."""

import secrets
import uuid
from datetime import datetime

_VERSION_7 = 0x7 << 76  # the four version bits
_VARIANT_RFC = 0b10 << 62  # the two variant bits


def visit_uid(now: datetime) -> uuid.UUID:
    """A new visit's uid, sorting after every uid of an earlier millisecond."""
    millis = int(now.timestamp() * 1000) & 0xFFFF_FFFF_FFFF
    random_a, random_b = secrets.randbits(12), secrets.randbits(62)
    return uuid.UUID(int=(millis << 80) | _VERSION_7 | (random_a << 64) | _VARIANT_RFC | random_b)
