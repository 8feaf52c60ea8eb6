"""What the retention page calls each kind of record, each job and each count of a job run,
in words (review of the staff console: "visits: 1", "outbox mail", "expired sessions" and
"job runs" were the code's names with spaces). The words are English message ids, translated
where they are shown (locales/*/labels.po). A name not listed here is shown as it was, so a
new kind or job is never hidden; tests/retention/test_labels.py fails until it is worded."""

# app.privacy.sweep.KINDS, by name.
KINDS = {
    "applications": "Applications",
    "candidates": "Candidates",
    "unconfirmed_applications": "Applications not confirmed by their owner",
    "visits": "Visits",
    "expected_visits": "Expected visits",
    "rights_requests": "Rights requests",
    "disclosures": "Disclosure records",
    "consent_events": "Consent records",
    "audit_events": "Audit log entries",
    "deletion_receipts": "Deletion receipts",
    "outbox_mail": "Outbox mail",
    "job_runs": "Job run records",
}
# app.jobs.JOBS by name, and the command line's own sweep (app/retention_cli.py).
JOBS = {
    "expired_sessions": "Clearing expired sessions and links",
    "deliver_mail": "Mail delivery",
    "retention_sweep": "Retention sweep",
    "retention_sweep_cli": "Retention sweep from the command line",
    "orphaned_cv_files": "Removing CV files left behind",
    "rights_request_reminders": "Reminders of rights requests falling due",
    "end_of_day_sign_out": "Signing out at the end of the day",
    "kept_cvs": "Erasing saved CVs never used",
    "close_past_deadline": "Closing positions past their last day to apply",
    "consent_renewal_mails": "Consent renewal mails",
    "hris_handover": "Hand-off to the HR system",
    "chat_notices": "Chat notices to hosts",
}
# The counts a job reports besides the kinds of record the sweep erases (app/jobs.py's jobs).
COUNTS = {
    "sessions": "Sessions",
    "tokens": "Single-use links",
    "throttles": "Sign-in attempt counters",
    "rate_windows": "Request limit counters",
    "files": "CV files",
    "sent": "Sent",
    "failed": "Failed",
    "kept_cvs": "Saved CVs",
    "assignees": "Colleagues reminded",
    "requests": "Requests",
    "signed_out": "Signed out",
    "closed": "Positions closed",
    "talent_pool": "Talent pool mails",
    "reconfirm": "Consent renewal mails",
    "delivered": "Delivered",
    "cancelled": "Hand-offs cancelled",
    "chat_sent": "Chat notices sent",
    "chat_failed": "Chat notices failed",
}


def record_label(name: str) -> str:
    """The message id for a kind of record or a job run's count; unlisted, as shown before."""
    return KINDS.get(name) or COUNTS.get(name) or name.replace("_", " ")


def job_label(name: str) -> str:
    """The message id for a job; unlisted, as shown before."""
    return JOBS.get(name) or name.replace("_", " ")
