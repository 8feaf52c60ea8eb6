"""Every kind of record the sweep erases, every job the scheduler runs and every count a job
reports has words in English and Danish on the retention page (review of the staff console:
"visits: 1", "outbox mail", "expired sessions" and "job runs" were the code's names). A new
kind or job fails here until it is worded in app/privacy/retention_labels.py and labels.po."""

from app.i18n import translations
from app.jobs import JOBS
from app.privacy.retention_labels import COUNTS
from app.privacy.retention_labels import JOBS as JOB_LABELS
from app.privacy.retention_labels import KINDS as KIND_LABELS
from app.privacy.sweep import KINDS

# Words that read the same in Danish.
SAME_IN_DANISH: set[str] = set()


def test_every_kind_of_record_has_a_label():
    missing = sorted(k.name for k in KINDS if k.name not in KIND_LABELS)
    assert not missing, f"add these to app/privacy/retention_labels.py KINDS: {missing}"


def test_every_job_has_a_label():
    names = {j.name for j in JOBS} | {"retention_sweep_cli"}  # app/retention_cli.py's own run
    missing = sorted(names - JOB_LABELS.keys())
    assert not missing, f"add these to app/privacy/retention_labels.py JOBS: {missing}"


def test_every_label_is_in_danish_and_none_is_the_code_name():
    danish = translations("da").gettext
    labels = [*KIND_LABELS.values(), *JOB_LABELS.values(), *COUNTS.values()]
    assert [w for w in labels if danish(w) == w and w not in SAME_IN_DANISH] == []
    codes = {*KIND_LABELS, *JOB_LABELS, *COUNTS}
    assert not [w for w in labels if w.replace(" ", "_") in codes]
