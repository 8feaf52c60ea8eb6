"""Data step after 2026-12-04T01:54:39 (issue 16): how the people behind the consent events
recorded before `consent_event.identified_by` existed were identified, where it can be told.

- channel "mail": the one-click opt-out link of a mail (optout_link);
- channel "portal", at the very moment the candidate row or one of their applications was
  made: the apply form, where nobody proved the address (first_application);
- any other "portal" event of a candidate who still exists: their own page, which only a
  session opened from a mailed link reaches (mailed_link_session).
What cannot be told (the candidate is erased) stays "unrecorded", which staff see as not
proven. Backwards there is nothing to undo: the column goes with the schema step."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-04T01:54:40:000000"
VERSION = "1.38.0"
DESCRIPTION = "consent_event.identified_by for the events recorded before it existed"

_STEPS = (
    "UPDATE consent_event SET identified_by = 'optout_link' "
    "WHERE identified_by = 'unrecorded' AND channel = 'mail'",
    "UPDATE consent_event SET identified_by = 'first_application' "
    "WHERE identified_by = 'unrecorded' AND channel = 'portal' AND ("
    "EXISTS (SELECT 1 FROM candidate c WHERE c.uid = consent_event.candidate_ref "
    "AND c.created_at = consent_event.at) OR "
    "EXISTS (SELECT 1 FROM application a JOIN candidate c ON c.id = a.candidate "
    "WHERE c.uid = consent_event.candidate_ref AND a.created_at = consent_event.at))",
    "UPDATE consent_event SET identified_by = 'mailed_link_session' "
    "WHERE identified_by = 'unrecorded' AND channel = 'portal' AND "
    "EXISTS (SELECT 1 FROM candidate c WHERE c.uid = consent_event.candidate_ref)",
)


class ConsentEvent(Table, tablename="consent_event"):
    pass


async def _tell_old_events() -> None:
    for step in _STEPS:
        await ConsentEvent.raw(step)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="intake", description=DESCRIPTION)
    manager.add_raw(_tell_old_events)
    return manager
