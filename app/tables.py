"""Every table of Intake.

On-delete choices are made with erasure in mind (GDPR Art. 17, policy "we destroy or erase it
in a secure manner"):
- rows that *are* a person's data hang off that person with CASCADE, so erasing the person
  erases them in the same statement;
- rows that must outlive a person (consent events, audit events, deletion receipts) carry no
  foreign key at all, only the person's internal `uid` (a random UUID that means nothing once
  the person's row is gone);
- references to staff use SET NULL, so removing a staff account never erases candidate data;
- references to notice versions and positions use RESTRICT: they are never deleted while
  something points at them (consent records must keep pointing at the text that was shown).
"""

from piccolo.columns import (
    JSON,
    UUID,
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

# --- sites and staff ---------------------------------------------------------------------


class Site(Table, tablename="site"):
    """An office (issue 19, point 5): its own time zone and end of day, its kiosks, hosts and
    reception staff. Never deleted while anything points at it (visits keep their site)."""

    id: Serial
    name = Varchar(length=120, unique=True)
    address = Text(default="")
    timezone = Varchar(length=64, default="Europe/Copenhagen")
    end_of_day = Varchar(length=5, default="20:00")  # automatic sign-out, the site's local time
    # A Slack or Teams incoming webhook told of each arrival (app.visits.chat), "" for none.
    chat_webhook = Varchar(length=500, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class StaffMember(Table, tablename="staff_member"):
    id: Serial
    email = Varchar(length=254, unique=True)
    display_name = Varchar(length=120)
    role = Varchar(length=16)  # admin | hr | reception
    password_hash = Varchar(length=255, null=True, default=None)
    must_change_password = Boolean(default=False)
    disabled = Boolean(default=False)
    totp_secret = Varchar(length=64, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)
    # Signs in only through the company's identity provider (issue 18.5): password login,
    # reset and change refuse the account.
    sso_only = Boolean(default=False)


class StaffSite(Table, tablename="staff_site"):
    """The sites a reception member works at: they see only those sites' visitors (issue 19,
    point 5; policy: "only accessible to our employees ... as needed")."""

    id: Serial
    staff = ForeignKey(StaffMember, on_delete=OnDelete.cascade, index=True)
    site = ForeignKey(Site, on_delete=OnDelete.cascade, index=True)


class Session(Table, tablename="web_session"):
    """A server-side login session of a staff member or a candidate.

    The browser holds a random token; only its SHA-256 is stored, so a leaked database does
    not hand out live sessions. A new row (new id) is made at every login (ASVS 7.2.4)."""

    id: Serial
    token_hash = Varchar(length=64, unique=True)
    staff = ForeignKey(StaffMember, on_delete=OnDelete.cascade, null=True, index=True)
    candidate: ForeignKey = ForeignKey(
        "Candidate", on_delete=OnDelete.cascade, null=True, index=True
    )
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)  # absolute end (10 h for staff)
    # The provider's ID token of a session opened through it, sent back as id_token_hint at
    # sign-out (OpenID Connect RP-Initiated Logout); it dies with the session.
    id_token = Text(null=True, default=None)


class Token(Table, tablename="single_use_token"):
    """Single-use, expiring links: staff invites, password resets, candidate sign-in links,
    e-mail verification. Stored hashed."""

    id: Serial
    purpose = Varchar(length=32)
    token_hash = Varchar(length=64, unique=True)
    staff = ForeignKey(StaffMember, on_delete=OnDelete.cascade, null=True)
    # Indexed (PARTIAL_INDEXES): erasing a candidate cascades here, and without it every
    # erased candidate meant a scan of every token (each kiosk sign-in leaves one; bench B4).
    candidate: ForeignKey = ForeignKey("Candidate", on_delete=OnDelete.cascade, null=True)
    payload = JSON(default="{}")  # e.g. role of an invite, the new e-mail to verify
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)
    used_at = Timestamptz(null=True, default=None)


class Throttle(Table, tablename="throttle"):
    """Failed-attempt counters for login, pairing codes and sign-out codes, per key.

    Keys are hashes (of an e-mail or a truncated IP), never the raw value."""

    id: Serial
    key = Varchar(length=80, unique=True)
    failures = Integer(default=0)
    last_failure_at = Timestamptz(default=TimestamptzNow())
    locked_until = Timestamptz(null=True, default=None)


class RateWindow(Table, tablename="rate_window"):
    """Requests per client in one minute on the public forms (app/rate_limit.py), shared by
    every worker and host. The key is a hash of the truncated address and the minute."""

    id: Serial
    key = Varchar(length=48, unique=True)
    hits = Integer(default=0)
    expires_at = Timestamptz(index=True)


# --- notices and consent ----------------------------------------------------------------


class NoticeVersion(Table, tablename="notice_version"):
    """One published version of the candidate or the visitor privacy notice, per language."""

    id: Serial
    audience = Varchar(length=16)  # candidate | visitor
    language = Varchar(length=8)
    version = Integer()
    title = Varchar(length=200)
    summary = Text(default="")  # the short, layered text (kiosk first screen)
    body = Text()  # full text, Markdown
    purpose_texts = JSON(default="{}")  # purpose code -> exact text shown beside the choice
    text_hash = Varchar(length=64)
    published_at = Timestamptz(default=TimestamptzNow())
    published_by = ForeignKey(StaffMember, on_delete=OnDelete.set_null, null=True)
    # A visitor notice of one site only; NULL: shared by every site without its own.
    site = ForeignKey(Site, on_delete=OnDelete.restrict, null=True)


class ConsentEvent(Table, tablename="consent_event"):
    """Append-only proof of consent (GDPR Art. 7(1)). Names the candidate only by `uid`."""

    id: Serial
    candidate_ref = UUID(index=True)
    purpose = Varchar(length=16)  # m | n | talent_pool | marketing
    action = Varchar(length=16)  # given | withdrawn
    at = Timestamptz(default=TimestamptzNow())
    notice_version = ForeignKey(NoticeVersion, on_delete=OnDelete.restrict, null=True)
    text_hash = Varchar(length=64)
    language = Varchar(length=8)
    channel = Varchar(length=16)  # portal | console | mail
    ip_prefix = Varchar(length=64, default="")
    erase_after = Timestamptz(index=True)
    # How the person was identified (app.privacy.consent.IDENTIFIED_BY): a session opened
    # from a link mailed to them, their own first application (the address not yet proven),
    # the confirmation link of a later application, or a mailed opt-out link. Events from
    # before this column: "unrecorded", or what the data migration could tell.
    identified_by = Varchar(length=24, default="unrecorded")


# --- recruiting -------------------------------------------------------------------------


class Position(Table, tablename="position"):
    id: Serial
    title = Varchar(length=200)
    slug = Varchar(length=120, unique=True)
    description = Text(default="")  # Markdown, rendered safely
    location = Varchar(length=200, default="")
    status = Varchar(length=16, default="draft", index=True)  # draft | open | closed
    created_at = Timestamptz(default=TimestamptzNow())
    opened_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    # For the job boards (schema.org JobPosting, issue 21 point 5): FULL_TIME, PART_TIME, ...
    employment_type = Varchar(length=16, default="FULL_TIME")
    remote = Boolean(default=False)  # work from anywhere in the company's country
    valid_through = Date(null=True, default=None)  # last day to apply; off the feeds after
    # Pay transparency (EU Directive 2023/970, Art. 5): the range offered, before any talk
    # of pay. Whole units of `salary_currency` (ISO 4217) per `salary_unit` (HOUR|MONTH|YEAR).
    salary_min = Integer(null=True, default=None)
    salary_max = Integer(null=True, default=None)
    salary_currency = Varchar(length=3, default="")
    salary_unit = Varchar(length=8, default="MONTH")


class ScreeningQuestion(Table, tablename="screening_question"):
    """A question HR asks with every application to a position (at most 5), with the reason
    it is asked, shown to the candidate (Art. 13: purpose). An answer may only flag the
    application for a person to look at; it never rejects, ranks or hides it (Art. 22)."""

    id: Serial
    position = ForeignKey(Position, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=8)  # yes_no | choice | text
    prompt = Varchar(length=300)
    reason = Varchar(length=300)
    choices = JSON(default="[]")  # the options of a "choice" question
    flag_answers = JSON(default="[]")  # answers that flag the application for a person
    created_at = Timestamptz(default=TimestamptzNow())


class Candidate(Table, tablename="candidate"):
    id: Serial
    uid = UUID(unique=True)  # internal id used by consent and audit records
    full_name = Varchar(length=200)
    email = Varchar(length=254, unique=True)
    email_pending = Varchar(length=254, null=True, default=None)
    phone = Varchar(length=40, default="")
    language = Varchar(length=8, default="en")
    # Current consent state; the ledger (ConsentEvent) is the proof, these are its cache.
    consent_m = Boolean(default=False)
    consent_n = Boolean(default=False)
    consent_version_m = Integer(null=True, default=None)  # NoticeVersion id consented under
    consent_version_n = Integer(null=True, default=None)
    talent_pool = Boolean(default=False)
    marketing = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    erase_after = Timestamptz(null=True, default=None, index=True)


class Application(Table, tablename="application"):
    id: Serial
    uid = UUID(unique=True)
    candidate = ForeignKey(Candidate, on_delete=OnDelete.cascade, index=True)
    position = ForeignKey(Position, on_delete=OnDelete.restrict, index=True)
    # "candidate_id:position_id": a double click or a resubmission cannot make a second row
    dedupe_key = Varchar(length=40, unique=True)
    cover_letter = Text(default="")
    # received | screening | interview | offer | hired | rejected | withdrawn
    stage = Varchar(length=16, default="received", index=True)
    restricted = Boolean(default=False)  # Art. 18: kept, hidden from all processing
    objected = Boolean(default=False)  # Art. 21: restricted until the objection is answered
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())
    decided_at = Timestamptz(null=True, default=None)
    # When the HR system confirmed the hand-off (app.recruiting.handover): the record's own
    # retention starts then (RETENTION_HANDED_OVER_DAYS).
    handed_over_at = Timestamptz(null=True, default=None)
    decided_by = ForeignKey(StaffMember, on_delete=OnDelete.set_null, null=True)
    lock_version = Integer(default=0)  # optimistic lock for concurrent reviewers
    erase_after = Timestamptz(null=True, default=None, index=True)
    # The mean of every submitted scorecard's scores, in hundredths (1.00-4.00 as 100-400;
    # an integer, so the queue's keyset cursor compares it exactly), written with each
    # scorecard in its transaction (app.recruiting.scorecards). NULL while unscored.
    score_average = Integer(null=True, default=None)


class CVFile(Table, tablename="cv_file"):
    """An encrypted CV. The file on disk is useless without `wrapped_key`; destroying the key
    destroys the file (policy: "erase it in a secure manner")."""

    id: Serial
    application = ForeignKey(Application, on_delete=OnDelete.cascade, index=True)
    storage_name = Varchar(length=64, unique=True)
    original_name = Varchar(length=255)
    media_type = Varchar(length=100)
    size = Integer()
    wrapped_key = Bytea()
    created_at = Timestamptz(default=TimestamptzNow())


class CVBlob(Table, tablename="cv_blob"):
    """An encrypted CV's bytes on PostgreSQL (issue 18.1: every host sees them), where SQLite
    keeps them in INTAKE_DATA_DIR/cv (app/recruiting/cv_blobs.py). Ciphertext only: the key
    is in the CVFile, KeptCV or UnconfirmedApplication row named `name`, so destroying that
    row still destroys the file; the bytes go after the erasure's commit."""

    id: Serial
    name = Varchar(length=64, unique=True)  # the key row's storage_name
    content = Bytea()
    created_at = Timestamptz(default=TimestamptzNow(), index=True)  # the orphan sweep's grace


class KeptCV(Table, tablename="kept_cv"):
    """A CV sent with an apply form that had another error (issue 21.1), kept so the candidate
    need not choose it again: encrypted with its own key like a CVFile, usable only with the
    random token in that form (only its SHA-256 is here), and erased by the clean-up job
    within the hour if never used. Its name may say who sent it, so it goes with the row."""

    id: Serial
    token_hash = Varchar(length=64, unique=True)
    position = ForeignKey(Position, on_delete=OnDelete.cascade)
    storage_name = Varchar(length=64, unique=True)
    original_name = Varchar(length=255)
    media_type = Varchar(length=100)
    size = Integer()
    wrapped_key = Bytea()
    expires_at = Timestamptz(index=True)


class ScreeningAnswer(Table, tablename="screening_answer"):
    """A candidate's answer: purpose-m data (their background), read only as
    app.privacy.access allows, exported with the application and erased with it (CASCADE).
    The question is copied as it was asked, so the answer keeps its meaning if HR removes it."""

    id: Serial
    application = ForeignKey(Application, on_delete=OnDelete.cascade, index=True)
    question = ForeignKey(ScreeningQuestion, on_delete=OnDelete.set_null, null=True)
    prompt = Varchar(length=300)
    answer = Varchar(length=500)
    flagged = Boolean(default=False)  # for a person to look at, never a verdict


class UnconfirmedApplication(Table, tablename="unconfirmed_application"):
    """An application sent from the public form with the address of an existing candidate
    (issue 16): it waits here, unseen by staff, until the mailbox owner confirms it through a
    single-use link (app.recruiting.confirmation); only then does it become an Application
    and are its consent choices recorded (Art. 7(1)). Unconfirmed, it is erased with its CV
    after INTAKE_UNCONFIRMED_APPLICATION_HOURS. The CV key dies with the row, as in CVFile."""

    id: Serial
    uid = UUID(unique=True)  # the deletion receipt's reference
    candidate = ForeignKey(Candidate, on_delete=OnDelete.cascade, index=True)
    position = ForeignKey(Position, on_delete=OnDelete.restrict)
    cover_letter = Text(default="")
    # The answers to the position's screening questions, as JSON [[question id, answer], ...]
    screening_answers = Text(default="[]")
    # The answer to "How did you hear about us?" (an ApplicationSource id, or ""): counted
    # when the application is confirmed, erased with this row (issue 20.5).
    source = Varchar(length=12, default="")
    consents = Varchar(length=64, default="")  # the purposes ticked, comma-separated
    language = Varchar(length=8, default="en")
    ip_prefix = Varchar(length=64, default="")
    storage_name = Varchar(length=64, unique=True)
    original_name = Varchar(length=255)
    media_type = Varchar(length=100)
    size = Integer()
    wrapped_key = Bytea()
    created_at = Timestamptz(default=TimestamptzNow())
    erase_after = Timestamptz(index=True)


class HrisHandover(Table, tablename="hris_handover"):
    """A hired candidate handed over to the company's HR system (issue 17 point 10). `body`
    is the webhook's pending JSON, personal data: emptied once the HR system confirms, and
    erased with the application (cascade) if that comes first. The rest is the delivery log
    admins read: a reference and the attempts, nothing about the person."""

    id: Serial
    reference = UUID(unique=True)  # sent as X-Intake-Delivery; all the log shows of it
    application = ForeignKey(Application, on_delete=OnDelete.cascade, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    body = Text(default="")
    status = Varchar(length=16, default="pending", index=True)  # pending | delivered | failed
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(null=True, default=None, index=True)
    last_error = Varchar(length=64, default="")  # "HTTP 500" or the exception's type only
    delivered_at = Timestamptz(null=True, default=None)


class Rating(Table, tablename="rating"):
    """A bare 1-5 rating from before scorecards (issue 17): kept readable, never written
    again, never mixed into a scorecard's 1-4 average (rescaling would invent scores)."""

    id: Serial
    application = ForeignKey(Application, on_delete=OnDelete.cascade, index=True)
    author = ForeignKey(StaffMember, on_delete=OnDelete.set_null, null=True)
    score = SmallInt()
    created_at = Timestamptz(default=TimestamptzNow())


class ScorecardCriterion(Table, tablename="scorecard_criterion"):
    """What reviewers score an application of a position on (2-8 per position, issue 17).
    Kept while any score uses it: removing it would change what a score meant."""

    id: Serial
    position = ForeignKey(Position, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=80)
    description = Varchar(length=300, default="")
    place = SmallInt(default=0)  # order on the form


class Scorecard(Table, tablename="scorecard"):
    """One reviewer's submitted scores for one application (purpose n): personal data of the
    candidate, exported (Art. 15) and erased with the application (cascade)."""

    id: Serial
    application = ForeignKey(Application, on_delete=OnDelete.cascade, index=True)
    author = ForeignKey(StaffMember, on_delete=OnDelete.set_null, null=True, index=True)
    submitted_at = Timestamptz(default=TimestamptzNow())


class CriterionScore(Table, tablename="criterion_score"):
    id: Serial
    scorecard = ForeignKey(Scorecard, on_delete=OnDelete.cascade, index=True)
    criterion = ForeignKey(ScorecardCriterion, on_delete=OnDelete.restrict, index=True)
    score = SmallInt()  # 1-4: no middle to hide in
    note = Text(default="")


class Comment(Table, tablename="comment"):
    id: Serial
    application = ForeignKey(Application, on_delete=OnDelete.cascade, index=True)
    author = ForeignKey(StaffMember, on_delete=OnDelete.set_null, null=True)
    body = Text()
    created_at = Timestamptz(default=TimestamptzNow())


class StageChange(Table, tablename="stage_change"):
    """Who moved an application and when: decisions are human (policy: no profiling)."""

    id: Serial
    application = ForeignKey(Application, on_delete=OnDelete.cascade, index=True)
    from_stage = Varchar(length=16)
    to_stage = Varchar(length=16)
    actor = ForeignKey(StaffMember, on_delete=OnDelete.set_null, null=True)
    at = Timestamptz(default=TimestamptzNow())
    # A rejection sent as a message (issue 17.4): the reason is the template's key, never
    # free text, so the human decision (Art. 22) is recorded with who, when and why.
    reason = Varchar(length=32, default="")


class MessageTemplate(Table, tablename="message_template"):
    """A message HR sends a candidate (issue 17.4), in English and Danish, edited by admins.
    Only {first_name}, {position} and {company} are filled in (app.recruiting.templates)."""

    id: Serial
    key = Varchar(length=32, unique=True)  # interview_invitation | rejection | more_information
    subject_en = Varchar(length=200)
    body_en = Text()
    subject_da = Varchar(length=200)
    body_da = Text()
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = ForeignKey(StaffMember, on_delete=OnDelete.set_null, null=True)


class CandidateMessage(Table, tablename="candidate_message"):
    """A message sent to a candidate, as they received it: shown on their page, exported,
    erased with the application (CASCADE)."""

    id: Serial
    application = ForeignKey(Application, on_delete=OnDelete.cascade, index=True)
    template_key = Varchar(length=32)
    language = Varchar(length=8)
    subject = Varchar(length=255)
    body = Text()
    sent_by = ForeignKey(StaffMember, on_delete=OnDelete.set_null, null=True)
    sent_at = Timestamptz(default=TimestamptzNow())


class Interview(Table, tablename="interview"):
    """An interview invitation (issue 17.5, purpose n): one per application at a time,
    rescheduled in place (SEQUENCE grows) or cancelled. Erased with the application."""

    id: Serial
    uid = UUID(unique=True)  # the calendar entry's UID, the same through every update
    application = ForeignKey(Application, on_delete=OnDelete.cascade, index=True)
    starts_at = Timestamptz(index=True)
    minutes = SmallInt(default=60)
    place = Varchar(length=200, default="")
    video_link = Varchar(length=500, default="")
    interviewers = JSON(default="[]")  # staff ids
    sequence = Integer(default=0)
    status = Varchar(length=16, default="scheduled")  # scheduled | cancelled
    answer = Varchar(length=16, default="")  # "" | accepted | another_time
    answer_note = Varchar(length=500, default="")
    answered_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(StaffMember, on_delete=OnDelete.set_null, null=True)
    updated_at = Timestamptz(default=TimestamptzNow())


# --- visits -----------------------------------------------------------------------------


class Host(Table, tablename="host"):
    id: Serial
    name = Varchar(length=200)
    email = Varchar(length=254)
    department = Varchar(length=200, default="")
    active = Boolean(default=True)
    language = Varchar(length=8, default="en")  # the host's own: their visitor mail's language
    chat_webhook = Varchar(
        length=500, default=""
    )  # their own, before their site's (app.visits.chat)


class HostSite(Table, tablename="host_site"):
    """The sites a host receives visitors at: a kiosk offers only its own site's hosts."""

    id: Serial
    host = ForeignKey(Host, on_delete=OnDelete.cascade, index=True)
    site = ForeignKey(Site, on_delete=OnDelete.cascade, index=True)


class Kiosk(Table, tablename="kiosk"):
    id: Serial
    name = Varchar(length=100)
    location = Varchar(length=200, default="")
    pairing_code_hash = Varchar(length=64, null=True, default=None)
    pairing_expires_at = Timestamptz(null=True, default=None)
    credential_hash = Varchar(length=64, null=True, default=None, unique=True)
    enrolled_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(null=True, default=None)
    # Its badge printer (app.visits.kiosks PRINT_LAYOUTS): none | brother62 | dymo89x36 | a6
    print_layout = Varchar(length=16, default="none")
    site = ForeignKey(Site, on_delete=OnDelete.restrict, null=True)


class ExpectedVisit(Table, tablename="expected_visit"):
    """A pre-registration by a host or reception."""

    id: Serial
    visitor_name = Varchar(length=200)
    visitor_email = Varchar(length=254, default="")
    company = Varchar(length=200, default="")
    purpose = Varchar(length=100, default="")
    host = ForeignKey(Host, on_delete=OnDelete.set_null, null=True)
    expected_on = Date(index=True)
    code_hash = Varchar(length=64, index=True)
    created_by = ForeignKey(StaffMember, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    used_at = Timestamptz(null=True, default=None)
    erase_after = Timestamptz(null=True, default=None, index=True)
    site = ForeignKey(Site, on_delete=OnDelete.restrict, null=True)


class Visit(Table, tablename="visit"):
    id: Serial
    uid = UUID(unique=True)
    visitor_name = Varchar(length=200)
    company = Varchar(length=200, default="")
    purpose = Varchar(length=100, default="")
    host = ForeignKey(Host, on_delete=OnDelete.set_null, null=True)
    kiosk = ForeignKey(Kiosk, on_delete=OnDelete.set_null, null=True)
    language = Varchar(length=8, default="en")
    notice_version = ForeignKey(NoticeVersion, on_delete=OnDelete.restrict, null=True)
    expected_visit = ForeignKey(ExpectedVisit, on_delete=OnDelete.set_null, null=True)
    signed_in_at = Timestamptz(default=TimestamptzNow(), index=True)
    signed_out_at = Timestamptz(null=True, default=None, index=True)  # NULLs too: on site
    signed_out_by = Varchar(length=16, default="")  # kiosk | phone | reception | auto
    signout_code_hash = Varchar(length=64, null=True, default=None)  # PARTIAL_INDEXES
    erase_after = Timestamptz(null=True, default=None)  # PARTIAL_INDEXES
    # The kiosk form's submission id, hashed (app.once.event_hash), unique: a form signs in
    # one visitor (PARTIAL_INDEXES). Not personal: a random id the kiosk page made.
    submission_hash = Varchar(length=64, null=True, default=None)
    channel = Varchar(length=8, default="kiosk")  # kiosk | desk (signed in by reception)
    # Where the visitor is: reception sees its own sites' visitors only. No index: every
    # read filters visitors on site (signed_out_at) or the latest ones, and a sign-in writes
    # one index page less (bench B1).
    site = ForeignKey(Site, on_delete=OnDelete.restrict, null=True)


class ChatNotice(Table, tablename="chat_notice"):
    """An arrival still to be told to a chat webhook (issue 19.7). It copies nothing: the
    job reads the visitor's first name from the visit when it sends, and the row goes with
    its visit (CASCADE) or once sent."""

    id: Serial
    visit = ForeignKey(Visit, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(index=True)
    failed_at = Timestamptz(null=True, default=None)  # given up: shown to admins
    last_error = Varchar(length=64, default="")  # an HTTP status or an exception's type


# --- rights, audit, disclosure, statistics ----------------------------------------------


class RightsRequest(Table, tablename="rights_request"):
    id: Serial
    uid = UUID(unique=True)
    kind = Varchar(length=16)  # access | correction | erasure | restriction | objection | complaint
    requester_kind = Varchar(length=16)  # candidate | visitor
    candidate = ForeignKey(Candidate, on_delete=OnDelete.cascade, null=True, index=True)
    requester_name = Varchar(length=200, default="")
    requester_email = Varchar(length=254, default="")
    details = Text(default="")
    language = Varchar(length=8, default="en")
    status = Varchar(length=16, default="open", index=True)  # open | in_progress | done | refused
    received_at = Timestamptz(default=TimestamptzNow())
    due_at = Timestamptz(index=True)  # Art. 12(3): one month, extendable by two
    extended_due_at = Timestamptz(null=True, default=None)
    extension_reason = Text(default="")
    assignee = ForeignKey(StaffMember, on_delete=OnDelete.set_null, null=True)
    closed_at = Timestamptz(null=True, default=None)
    outcome = Text(default="")
    erase_after = Timestamptz(null=True, default=None, index=True)


class AuditEvent(Table, tablename="audit_event"):
    """Who touched whose data, when and why; never the data itself."""

    id: Serial
    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor_kind = Varchar(length=16)  # staff | candidate | system | kiosk
    actor_id = Integer(null=True, default=None)
    actor_role = Varchar(length=16, default="")
    action = Varchar(length=48, index=True)
    subject_kind = Varchar(length=16, default="")  # candidate | visitor | staff | ...
    subject_ref = Varchar(length=64, default="", index=True)
    object_id = Varchar(length=64, default="")
    reason = Varchar(length=200, default="")
    erase_after = Timestamptz(index=True)


class Disclosure(Table, tablename="disclosure"):
    """A hand-over of personal data to an authority (policy: only with a warrant)."""

    id: Serial
    subject_kind = Varchar(length=16)
    subject_ref = Varchar(length=64)
    recipient = Varchar(length=200)
    legal_basis = Varchar(length=200)
    reference = Varchar(length=200, default="")
    description = Text(default="")
    disclosed_at = Timestamptz(default=TimestamptzNow())
    recorded_by = ForeignKey(StaffMember, on_delete=OnDelete.set_null, null=True)
    erase_after = Timestamptz(index=True)


class AnonymousStat(Table, tablename="anonymous_stat"):
    """Aggregate counts with no personal data (policy: statistics only anonymised), added to
    in the transaction of the event they count (app.privacy.statistics); erasure never
    changes them."""

    id: Serial
    key = Varchar(length=300, unique=True)  # metric|period|dimension, for an upsert
    metric = Varchar(length=32)  # app.privacy.statistics lists them
    period = Date(index=True)  # first day of the month, or the day; a page reads one period
    dimension = Varchar(length=200, default="")  # position title, stage, visit purpose
    detail = Varchar(length=200, default="")  # a second category: a bucket, a kiosk location
    total = Integer(default=0)


class ApplicationSource(Table, tablename="application_source"):
    """One answer of the apply form's optional "How did you hear about us?" (issue 20.5): a
    fixed list admins edit, never free text. The answer is counted anonymously (metric
    "source", by this id) and stored nowhere else: not on the candidate, not on the
    application. A source is hidden from the form, never deleted (its counts keep a name)."""

    id: Serial
    label_en = Varchar(length=80)
    label_da = Varchar(length=80)
    active = Boolean(default=True)


class DeletionReceipt(Table, tablename="deletion_receipt"):
    """Proof that something was erased, without personal data."""

    id: Serial
    kind = Varchar(length=32)
    reference = Varchar(length=64, index=True)
    reason = Varchar(length=64)
    erased_at = Timestamptz(default=TimestamptzNow())
    erase_after = Timestamptz(index=True)


class OutboxMail(Table, tablename="outbox_mail"):
    id: Serial
    to_address = Varchar(length=254)
    subject = Varchar(length=255)
    body = Text()
    category = Varchar(length=16, default="admin")  # admin | marketing
    created_at = Timestamptz(default=TimestamptzNow())  # shown, never searched: no index
    sent_at = Timestamptz(null=True, default=None)
    attempts = Integer(default=0)
    last_error = Varchar(length=255, default="")  # the exception's type only, never its text
    # A failed attempt waits before the next (app.mail.BACKOFF); after the last it is failed
    # and shown to admins on the outbox page (issue 16: one bad mail never holds the rest).
    next_attempt_at = Timestamptz(null=True, default=None)
    failed_at = Timestamptz(null=True, default=None)
    erase_after = Timestamptz(index=True)
    # An interview's iCalendar invitation (RFC 5545), attached when sent, then cleared as
    # the body is (issue 17.5).
    calendar = Text(default="")
    # What a QR code attached when sent encodes (a pre-registration's invitation code, issue
    # 19.9), "" for none; cleared with the body once delivered.
    qr = Varchar(length=64, default="")
    # The application a mail is about (its uid), when it is: erased with it, whoever it was
    # sent to (an interviewer's invitation too). PARTIAL_INDEXES: most mail is about none.
    about = Varchar(length=36, null=True, default=None)


class JobRun(Table, tablename="job_run"):
    id: Serial
    job = Varchar(length=48, index=True)
    started_at = Timestamptz(default=TimestamptzNow(), index=True)
    finished_at = Timestamptz(null=True, default=None)
    counts = JSON(default="{}")
    error = Varchar(length=500, default="")


ALL_TABLES: list[type[Table]] = [
    Site,
    StaffMember,
    StaffSite,
    NoticeVersion,
    Position,
    ScreeningQuestion,
    Candidate,
    Session,
    Token,
    Throttle,
    RateWindow,
    ConsentEvent,
    Application,
    CVFile,
    CVBlob,
    KeptCV,
    ScreeningAnswer,
    UnconfirmedApplication,
    Rating,
    ScorecardCriterion,
    Scorecard,
    CriterionScore,
    Comment,
    StageChange,
    HrisHandover,
    MessageTemplate,
    CandidateMessage,
    Interview,
    Host,
    HostSite,
    Kiosk,
    ExpectedVisit,
    Visit,
    ChatNotice,
    RightsRequest,
    AuditEvent,
    Disclosure,
    AnonymousStat,
    ApplicationSource,
    DeletionReceipt,
    OutboxMail,
    JobRun,
]


# Multicolumn indexes, which Piccolo's auto migrations cannot declare; `app.cli.migrate`
# creates them (IF NOT EXISTS) after the migrations. The review queue pages one position by
# (created_at, id): without this index both databases sort every application of the position
# for each page (bench B3: 82 ms for the first page of 100,000 on SQLite; 0.13 ms with it).
# The stage tabs and the stage sort (issue 17) page one stage of a position the same way.
COMPOSITE_INDEXES: list[tuple[type[Table], list]] = [
    (Application, [Application.position, Application.created_at, Application.id]),
    (
        Application,
        [Application.position, Application.stage, Application.created_at, Application.id],
    ),
]

# Partial indexes, which Piccolo cannot declare either (`app.cli.migrate` creates them, the
# same SQL on both databases): only the rows the queries look for.
# - A visit is signed in with no erase date, and most tokens name no candidate; indexing
#   those NULLs cost each kiosk sign-in index pages written (bench B1: its COMMIT and the
#   checkpoint after it). Their queries imply the WHERE (`erase_after <= ?`, `candidate = ?`,
#   the erased candidate's cascade).
# - A sign-out code is kept only while its visitor is on site: the index holds those codes,
#   not every signed-out visit's NULL. Queries ask `signout_code_hash = ?` alone: with
#   `AND signed_out_at IS NULL` as well, PostgreSQL's planner (with no statistics yet, on a
#   new database) at times chose signed_out_at's index and read every visitor on site for
#   each sign-in (bench B1: ~1,500 instead of ~2,500 sign-ins a second). signed_out_at
#   keeps its whole index: "on site" is exactly `signed_out_at IS NULL`.
# - Kiosk forms: each visit's form, unique (a replayed form signs no one in twice; the
#   token row each sign-in used to spend for it cost a fifth of its database work, bench B1).
PARTIAL_INDEXES: list[tuple[str, str, str, str]] = [  # name, table, column, which rows
    ("visit_erase_after_set", "visit", "erase_after", "erase_after IS NOT NULL"),
    ("visit_submission_hash", "visit", "submission_hash", "submission_hash IS NOT NULL"),
    ("visit_on_site_code", "visit", "signout_code_hash", "signout_code_hash IS NOT NULL"),
    ("single_use_token_candidate_set", "single_use_token", "candidate", "candidate IS NOT NULL"),
    ("outbox_mail_about_set", "outbox_mail", "about", "about IS NOT NULL"),
]
UNIQUE_INDEXES = ("visit_submission_hash",)
# Databases made before had these: whole-column indexes where PARTIAL_INDEXES are now, and
# outbox_mail.created_at's, which no query used (each kiosk sign-in's mail still wrote it).
DROPPED_INDEXES = (
    "visit_erase_after",
    "visit_signout_code_hash",
    "single_use_token_candidate",
    "outbox_mail_created_at",
)
