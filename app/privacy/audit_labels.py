"""What the audit log's codes mean, in words an admin reads in their language (issue 21
point 8). The log keeps stable codes (searchable, never translated in the database); the
page shows these labels. A code not listed here is shown as it is, so a new action is never
hidden, only not yet worded."""

ACTIONS = {
    "application_awaits_confirmation": "Application held until the address is confirmed",
    "application_confirmed": "Application confirmed",
    "application_submitted": "Application sent",
    "application_viewed": "Application read",
    "audit_log_exported": "Audit log exported",
    "comment_added": "Comment added",
    "complaint_made": "Complaint made",
    "consent_given": "Consent given",
    "consent_renewed": "Consent renewed",
    "consent_withdrawn": "Consent withdrawn",
    "cover_letter_corrected": "Cover letter corrected",
    "cv_downloaded": "CV downloaded",
    "cv_read": "CV read in place",
    "cv_replaced": "CV replaced",
    "data_exported": "Data exported",
    "details_corrected": "Details corrected",
    "disclosure_recorded": "Disclosure recorded",
    "email_change_requested": "E-mail change asked for",
    "email_corrected": "E-mail corrected",
    "erasure": "Data erased",  # not "Erased": the retention page's column (Slettes)
    "evacuation_list_viewed": "Evacuation list read",
    "hris_handed_over": "Handed over to the HR system",
    "mail_language_changed": "Mail language changed",
    "objection_made": "Objection made",
    "outbox.viewed": "Outbox read",
    "position_closed": "Position closed",
    "position_created": "Position created",
    "position_edited": "Position edited",
    "position_open": "Position opened",
    "queue_viewed": "Queue read",
    "rating_given": "Rating given",
    "reception_desk_viewed": "Reception desk read",
    "restriction_lifted": "Restriction lifted",
    "restriction_set": "Processing restricted",
    "rights_request_assigned": "Rights request assigned",
    "rights_request_done": "Rights request answered",
    "rights_request_extended": "Rights request deadline extended",
    "rights_request_in_progress": "Rights request started",
    "rights_request_refused": "Rights request refused",
    "rights_request_viewed": "Rights request read",
    "scorecard_criteria_changed": "Scorecard criteria changed",
    "scorecard_submitted": "Scorecard submitted",
    "screening_question_added": "Screening question added",
    "screening_question_removed": "Screening question removed",
    "source_added": "Source of application added",
    "source_changed": "Source of application changed",
    "staff.invited": "Staff member invited",
    "staff.password_changed": "Password changed",
    "staff.provisioned": "Staff account made at first sign-in",
    "staff.sign_in_refused": "Sign-in refused",
    "staff.signed_in": "Signed in",
    "staff.totp_disabled": "Two-factor login turned off",
    "staff.totp_enabled": "Two-factor login turned on",
    "staff.totp_replaced": "Two-factor key replaced",
    "staff.totp_reset": "Two-factor login reset",
    "staff.updated": "Staff member changed",
    "stage_changed": "Stage changed",
    "visit_log_searched": "Visit log searched",
    "visit_log_viewed": "Visit log read",
    "visit_signed_out": "Visitor signed out",
    "visitor_request_erased": "Visitor's records erased",
    "visitor_signed_in_at_desk": "Visitor signed in at the desk",
    "visitor_visits_matched": "Visitor's visits looked up",
    # Talking to candidates (issue 17.4-6)
    "message_sent": "Message sent to the candidate",
    "message_template_changed": "Message template changed",
    "interview_scheduled": "Interview invitation sent",
    "interview_rescheduled": "Interview moved",
    "interview_cancelled": "Interview cancelled",
    "interview_answered": "Interview answered",
    "bulk_action": "Bulk action in the queue",
}
# Who acted, and whose data it was (audit_event.actor_kind and subject_kind).
KINDS = {
    "staff": "staff member",
    "candidate": "candidate",
    "system": "the system",
    "kiosk": "kiosk",
    "visitor": "visitor",
    "position": "position",
    "outbox": "outbox",
}

# Staff roles as people read them: the codes themselves ("hr", "admin") were shown to users.
ROLES = {"admin": "Admin", "hr": "HR", "reception": "Reception"}
# The words of a reason that the code writes itself, comma-separated (dossier.py lists the
# sections a reader was shown; services.py the sign-in method; a message's template key, which
# a rejection's stage change also records as its reason, pipeline.move_stage "a->b (key)";
# interviews.answer the candidate's choice).
# Free text stays as typed.
REASON_WORDS = {
    "summary": "Summary",
    "background": "Background",
    "evaluation": "Evaluation",
    "contact": "Messages and interviews",
    "password": "Password",
    # app.recruiting.message_templates.KEYS, named as on the message templates page
    "interview_invitation": "Interview invitation",
    "more_information": "More information needed",
    "rejection": "Rejection",
    # app.recruiting.interviews.ANSWERS, the candidate's answer that interview_answered
    # records, worded as on the application page
    "accepted": "Accepted by the candidate",
    "another_time": "The candidate asks for another time",
}


def reason_words(reason: str | None) -> list[str] | None:
    """The reason's words to translate, or None when it is not only our own words."""
    words = [w.strip() for w in (reason or "").split(",")]
    return words if words and all(w in REASON_WORDS for w in words) else None


# Reasons the code writes with a value in them (issue: "raw code words shown to humans"). The
# stored reason stays as written; the page and the CSV word it in the reader's language, and
# anything that does not match is shown as it is.
# app.recruiting.bulk.ACTIONS: a move names its stage; the two rejections as the queue's form.
BULK_MOVED = "Moved %(done)s of %(total)s selected to %(stage)s"
BULK = {
    "rejected": "Rejected %(done)s of %(total)s selected, without a mail",
    "reject_with_template": "Rejected %(done)s of %(total)s selected with the rejection message",
}
# mail_language_changed records the language's code: named in the reader's language.
LANGUAGES = {"en": "English", "da": "Danish"}
# rights_request_assigned's "assignee 12", rights_request_extended's "due 2026-01-31". A staff
# member no longer there (an assignee, an export's staff filter) is named by their id.
ASSIGNED = "Assigned to %(name)s"
FORMER_ASSIGNEE = "staff member #%(id)s"
DUE = "New deadline: %(day)s"
# app.visits.on_site's reads of visitors (the desk, the evacuation list, the visit log): "3 shown".
VISITS_SHOWN = ("%(n)s visit shown", "%(n)s visits shown")
VISITS_READ = (
    "reception_desk_viewed",
    "evacuation_list_viewed",
    "visit_log_viewed",
    "visit_log_searched",
)
# Reasons the code writes whole, by action and reason: second_factor.reset_second_factor,
# provider_sign_in (the company's OpenID Connect sign-in), requests_queue.carry_out_access,
# and the erasures' reasons (candidate_rights.erase_me, requests_queue, visits.rights,
# restore.REPLAY_REASON).
FIXED = {
    ("staff.totp_reset", "command line"): "Reset from the command line",
    ("staff.signed_in", "identity provider"): "The company's sign-in",
    ("staff.sign_in_refused", "identity provider: disabled"):
        "The company's sign-in: the account is turned off",
    ("staff.sign_in_refused", "identity provider: no mapped group"):
        "The company's sign-in: in no group that gives access",
    ("data_exported", "access request"): "For an access request",
    ("erasure", "consent_withdrawn"): "Consent withdrawn",
    ("erasure", "erasure_request"): "Erasure request",
    ("erasure", "replayed after a restore"): "Replayed after a restore",
}  # fmt: skip
# A staff account's role and state (staff services.update_member "role=hr disabled=False",
# " sso_only" when it signs in only through the company's sign-in; provider_sign_in's
# "role=hr from the identity provider"; staff.provisioned's "role=hr"), from its parts.
ROLE = "Role: %(role)s"
ACCOUNT_ON = "account active"
ACCOUNT_OFF = "account turned off"
SSO_ONLY = "signs in only through the company's sign-in"
FROM_PROVIDER = "from the company's sign-in"
# Counts of visits (visits.rights: a visitor request's candidate visits, an access request's
# export, an erasure), singular and plural.
CANDIDATE_VISITS = ("%(n)s candidate visit", "%(n)s candidate visits")
VISITOR_ACCESS = ("Visitor's access request: %(n)s visit", "Visitor's access request: %(n)s visits")
VISITS = ("%(n)s visit", "%(n)s visits")
# The audit log export's own row: its filters (audit_log.AuditFilter.described), or none.
EXPORT_ALL = "Every entry, no filter"
EXPORT_FILTER = "Filtered by %(parts)s"
EXPORT_PARTS = {
    "staff": "staff member %(value)s",
    "action": "action %(value)s",
    "from": "from %(value)s",
    "to": "to %(value)s",
    "subject": "subject id %(value)s",
}
