"""Settings, read from the environment once, into one frozen Struct.

Every variable is documented in docs/operators.md (tests/docs checks it). Nothing else
configures Intake."""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import msgspec

from app.data_dir import make_folder
from app.proxies import parse_networks

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(Exception):
    """The settings are unsafe or inconsistent; the message says why."""


class Retention(msgspec.Struct, frozen=True):
    """Retention periods in days (MISSION.md, "Retention defaults")."""

    visits_days: int = 30  # after sign-out
    applications_days: int = 183  # ~6 months after the position closes or a rejection
    talent_pool_days: int = 730  # 24 months with the "keep me for future positions" consent
    waiting_consent_days: int = 30  # applications that never got consent m or n
    audit_days: int = 1095  # audit and consent records: 3 years
    mail_days: int = 7  # sent mail kept for troubleshooting, then erased
    # A hired candidate handed over to the HR system: the employee record lives there now,
    # so ours is erased this long after the HR system confirmed receipt (issue 17 point 10).
    handed_over_days: int = 30
    # An application sent with a known candidate's address waits this long for the mailbox
    # owner's confirmation, then it and its CV are erased (issue 16; in hours: a link that
    # lives days in a mailbox is a link that leaks).
    unconfirmed_application_hours: int = 48
    enabled: bool = True


class Smtp(msgspec.Struct, frozen=True):
    host: str = ""
    port: int = 25
    username: str = ""
    password: str = ""
    starttls: bool = False
    sender: str = "intake@example.com"


class Cap(msgspec.Struct, frozen=True):
    """At most `limit` events for one key (a recipient, a client, a kiosk) in a window of
    `seconds` that starts at the first of them (app.throttle.spend)."""

    limit: int
    seconds: int


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _cap(value: str) -> Cap:
    """`20/2m`: 20 per 2 minutes (units s, m, h, d)."""
    count, _, window = value.strip().partition("/")
    window = window.strip().lower()
    if not window or window[-1] not in _UNITS:
        raise ValueError(f"a limit must look like 20/2m, not {value!r}")
    cap = Cap(int(count), int(window[:-1] or 1) * _UNITS[window[-1]])
    if cap.limit < 1 or cap.seconds < 1:
        raise ValueError(f"a limit must allow at least one in a window, not {value!r}")
    return cap


class MailCaps(msgspec.Struct, frozen=True):
    """How many mails (or requests) one recipient, one client or one kiosk may cause in a
    window (issue 16, point 4). Chosen so that a real lobby or candidate never meets them:
    a visitor needs about 20 s at a tablet (a very busy one sees 30 in 10 minutes), so 20 in
    2 minutes is one every 6 s for 2 minutes; a candidate changes an address once or twice."""

    kiosk_sign_ins: Cap = Cap(20, 120)  # per kiosk: each sign-in mails the host
    email_change_recipient: Cap = Cap(3, 3600)  # per address the confirmation goes to
    email_change_candidate: Cap = Cap(5, 86400)  # per candidate account
    email_change_client: Cap = Cap(20, 3600)  # per client (truncated IP)
    password_reset_account: Cap = Cap(3, 3600)  # per staff account (silent: no hint it exists)
    password_reset_client: Cap = Cap(20, 3600)  # per client
    visitor_rights_recipient: Cap = Cap(3, 86400)  # per requester address
    visitor_rights_client: Cap = Cap(10, 3600)  # per client
    # per application: HR's messages and interview invitations, moves and cancellations
    candidate_messages: Cap = Cap(10, 86400)


def _caps(e: Mapping[str, str]) -> MailCaps:
    defaults = MailCaps()
    values = {}
    for field in msgspec.structs.fields(MailCaps):
        raw = e.get(f"INTAKE_CAP_{field.name.upper()}", "")
        values[field.name] = _cap(raw) if raw.strip() else getattr(defaults, field.name)
    return MailCaps(**values)


# The roles of app/staff/services.ROLES (the ground floor cannot import a service).
STAFF_ROLES = ("admin", "hr", "reception")


class IdentityProvider(msgspec.Struct, frozen=True):
    """Staff sign-in through the company's OpenID Connect provider (issue 18.5); off while
    the issuer or the client id is empty."""

    issuer: str = ""
    client_id: str = ""
    client_secret: str = ""
    scopes: str = "openid email profile"
    groups_claim: str = "groups"
    # The provider's group -> Intake's role, in the order given: the first group of the
    # member's that maps decides (list the most privileged first).
    role_map: tuple[tuple[str, str], ...] = ()
    label: str = "single sign-on"
    # Password login off for every account once it has signed in through the provider.
    only: bool = False

    @property
    def enabled(self) -> bool:
        return bool(self.issuer and self.client_id)


def _role_map(value: str) -> tuple[tuple[str, str], ...]:
    """`hr-group=hr,reception-group=reception,it-admins=admin`."""
    pairs = []
    for item in value.split(","):
        if not item.strip():
            continue
        group, sep, role = item.rpartition("=")
        if not sep or not group.strip() or role.strip() not in STAFF_ROLES:
            raise ConfigError(
                f"INTAKE_OIDC_ROLE_MAP: {item.strip()!r} must be group=role, the role one of "
                + ", ".join(STAFF_ROLES)
            )
        pairs.append((group.strip(), role.strip()))
    return tuple(pairs)


def _identity_provider(e: Mapping[str, str]) -> IdentityProvider:
    return IdentityProvider(
        issuer=e.get("INTAKE_OIDC_ISSUER", "").strip().rstrip("/"),
        client_id=e.get("INTAKE_OIDC_CLIENT_ID", "").strip(),
        client_secret=e.get("INTAKE_OIDC_CLIENT_SECRET", ""),
        scopes=e.get("INTAKE_OIDC_SCOPES", "openid email profile").strip(),
        groups_claim=e.get("INTAKE_OIDC_GROUPS_CLAIM", "groups").strip(),
        role_map=_role_map(e.get("INTAKE_OIDC_ROLE_MAP", "")),
        label=e.get("INTAKE_OIDC_LABEL", "single sign-on").strip()[:60] or "single sign-on",
        only=_bool(e.get("INTAKE_OIDC_ONLY", "0")),
    )


class Processor(msgspec.Struct, frozen=True):
    """A sub-processor or a recipient outside the EU (Art. 13(1)(e)-(f), Art. 30(1)(d)-(e))."""

    name: str
    purpose: str = ""
    location: str = "EU"
    safeguard: str = ""  # for transfers outside the EU: adequacy decision, SCCs, ...


def _processors(value: str) -> tuple[Processor, ...]:
    """`name|purpose|location|safeguard; ...` (later fields optional)."""
    out = []
    for item in value.split(";"):
        fields = [f.strip() for f in item.split("|")]
        if fields and fields[0]:
            out.append(Processor(*fields[:4]))
    return tuple(out)


class Settings(msgspec.Struct, frozen=True):
    env: str = "development"  # development | production
    database_url: str = ""
    secret_key: str = ""
    debug: bool = False
    cookie_secure: bool = True
    base_url: str = "http://127.0.0.1:8000"
    data_dir: str = str(ROOT / "var")
    languages: tuple[str, ...] = ("en", "da")
    timezone: str = "Europe/Copenhagen"
    end_of_day: str = "20:00"  # automatic visitor sign-out, local time
    # The first site (issue 19, point 5): existing kiosks, hosts, visits and reception staff
    # move to it; it takes INTAKE_TIMEZONE and INTAKE_END_OF_DAY.
    first_site_name: str = "Main office"
    # PostgreSQL pool per worker; 0 = a connection per query (tests). 20, not 10: a kiosk
    # sign-in takes a connection twice (device check, transaction), and with 10 the 32
    # tablets of bench B1 queued for them (p99 120-130 ms, 72 ms with 20).
    db_pool_size: int = 20
    argon2_profile: str = "production"  # "test" is a cheap profile, refused in production
    scheduler: bool = True
    redis_url: str = ""
    openapi_public: bool = False
    company_name: str = "IP Dots"
    company_country: str = "DK"  # ISO 3166 code, for job postings (schema.org addressCountry)
    # EU Directive 2023/970, Art. 5: a position may not be opened without its pay range.
    salary_range_required: bool = False
    dpo_email: str = "privacy@example.com"
    authority_name: str = "Datatilsynet"
    authority_url: str = "https://www.datatilsynet.dk"
    authority_address: str = "Carl Jacobsens Vej 35, 2500 Valby, Denmark"
    sub_processors: tuple[Processor, ...] = (
        Processor("Hosting provider", "database and encrypted files", "EU"),
    )
    transfers: tuple[Processor, ...] = ()  # recipients outside the EU; none by default
    retention: Retention = Retention()
    retention_batch_size: int = 500
    # Visits are deleted set-wise in SQL (app/privacy/sweep_visits.py), without loading rows.
    # 0: on SQLite each batch sized by how long the last held the writer, on PostgreSQL
    # 20,000 (app.privacy.sweep.visit_batch_size); a number fixes the size.
    retention_visit_batch_size: int = 0
    # How long backups are kept (issue 18.4): shorter than the shortest retention period, or a
    # restore brings back people whose records were due (shown on the Art. 30 page).
    backup_retention_days: int = 14
    # Who may read /metrics (issue 18.6): the scraper's addresses or networks.
    metrics_allow: tuple[str, ...] = ("127.0.0.0/8", "::1")
    log_format: str = "text"  # text | json (one object a line, with the correlation id)
    smtp: Smtp = Smtp()
    # The HR system's webhook (issue 17 point 10): empty means no hand-off. The secret signs
    # every body (HMAC-SHA256, docs/operators.md "Hand-off to an HR system").
    hris_webhook_url: str = ""
    hris_webhook_secret: str = ""
    caps: MailCaps = MailCaps()
    # Proxies whose X-Forwarded-For / -Proto are believed (app.proxies); none by default.
    trusted_proxies: tuple[str, ...] = ()
    identity_provider: IdentityProvider = IdentityProvider()

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return not self.database_url.startswith("postgres")

    @property
    def cv_dir(self) -> Path:
        return Path(self.data_dir) / "cv"

    def unsafe_settings(self) -> list[str]:
        """What would be unsafe in production, in plain words (see `litestar deploy-check`)."""
        problems = []
        if self.debug:
            problems.append("INTAKE_DEBUG is on: stack traces would reach the browser")
        if len(self.secret_key) < 32:
            problems.append("INTAKE_SECRET_KEY is missing or shorter than 32 characters")
        if not self.cookie_secure:
            problems.append("INTAKE_COOKIE_SECURE is off: cookies would travel over plain HTTP")
        if self.openapi_public:
            problems.append("INTAKE_OPENAPI_PUBLIC is on: the API schema is public")
        if self.smtp.host and not self.smtp.starttls and self.smtp.port != 465:
            problems.append("SMTP is configured without TLS (set SMTP_STARTTLS=1)")
        if not self.retention.enabled:
            problems.append("retention is turned off: personal data would be kept forever")
        if self.argon2_profile != "production":
            problems.append("INTAKE_ARGON2_PROFILE is not 'production'")
        idp = self.identity_provider
        if idp.enabled and not idp.issuer.startswith("https://"):
            problems.append("INTAKE_OIDC_ISSUER is not an https:// address")
        if idp.enabled and not idp.role_map:
            problems.append("INTAKE_OIDC_ROLE_MAP is empty: nobody could sign in with it")
        if self.hris_webhook_url and not self.hris_webhook_url.startswith("https://"):
            problems.append("INTAKE_HRIS_WEBHOOK_URL is not HTTPS: personal data in clear")
        if self.hris_webhook_url and len(self.hris_webhook_secret) < 32:
            problems.append("INTAKE_HRIS_WEBHOOK_SECRET is missing or shorter than 32 characters")
        return problems


def _trusted_proxies(value: str) -> tuple[str, ...]:
    try:
        return parse_networks(value)
    except ValueError as exc:
        raise ConfigError(f"INTAKE_TRUSTED_PROXIES: {exc}") from None


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret(data_dir: Path) -> str:
    """A development secret, generated once into var/ so restarts keep sessions valid."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    make_folder(data_dir)
    key = secrets.token_urlsafe(48)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as fh:
        fh.write(key)  # 0600 from the start (app.data_dir)
    return key


def load_settings(environ: Mapping[str, str] | None = None, check: bool = True) -> Settings:
    """Read the settings from the environment; raise ConfigError when production is unsafe
    (unless `check` is False: `litestar deploy-check` reads them to report, not to run)."""
    e = os.environ if environ is None else environ
    env = e.get("INTAKE_ENV", "development")
    if env not in {"development", "production"}:
        raise ConfigError(f"INTAKE_ENV must be 'development' or 'production', not {env!r}")
    data_dir = Path(e.get("INTAKE_DATA_DIR", str(ROOT / "var")))
    secret = e.get("INTAKE_SECRET_KEY", "")
    if not secret and env == "development":
        secret = _dev_secret(data_dir)
    try:
        retention = Retention(
            visits_days=int(e.get("RETENTION_VISITS_DAYS", 30)),
            applications_days=int(e.get("RETENTION_APPLICATIONS_DAYS", 183)),
            talent_pool_days=int(e.get("RETENTION_TALENT_POOL_DAYS", 730)),
            waiting_consent_days=int(e.get("RETENTION_WAITING_CONSENT_DAYS", 30)),
            audit_days=int(e.get("RETENTION_AUDIT_DAYS", 1095)),
            mail_days=int(e.get("RETENTION_MAIL_DAYS", 7)),
            handed_over_days=int(e.get("RETENTION_HANDED_OVER_DAYS", 30)),
            unconfirmed_application_hours=int(e.get("INTAKE_UNCONFIRMED_APPLICATION_HOURS", 48)),
            enabled=_bool(e.get("RETENTION_ENABLED", "1")),
        )
        smtp = Smtp(
            host=e.get("SMTP_HOST", ""),
            port=int(e.get("SMTP_PORT", 25)),
            username=e.get("SMTP_USERNAME", ""),
            password=e.get("SMTP_PASSWORD", ""),
            starttls=_bool(e.get("SMTP_STARTTLS", "0")),
            sender=e.get("SMTP_FROM", "intake@example.com"),
        )
        settings = Settings(
            env=env,
            database_url=e.get("DATABASE_URL", f"sqlite:///{data_dir / 'intake.sqlite'}"),
            secret_key=secret,
            debug=_bool(e.get("INTAKE_DEBUG", "0")),
            cookie_secure=_bool(e.get("INTAKE_COOKIE_SECURE", "1")),
            base_url=e.get("INTAKE_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
            data_dir=str(data_dir),
            languages=tuple(e.get("INTAKE_LANGUAGES", "en,da").split(",")),
            timezone=e.get("INTAKE_TIMEZONE", "Europe/Copenhagen"),
            end_of_day=e.get("INTAKE_END_OF_DAY", "20:00"),
            first_site_name=e.get("INTAKE_FIRST_SITE_NAME", "Main office").strip()[:120]
            or "Main office",
            db_pool_size=int(e.get("INTAKE_DB_POOL_SIZE", 20)),
            argon2_profile=e.get("INTAKE_ARGON2_PROFILE", "production"),
            scheduler=_bool(e.get("INTAKE_SCHEDULER", "1")),
            redis_url=e.get("REDIS_URL", ""),
            openapi_public=_bool(e.get("INTAKE_OPENAPI_PUBLIC", "0")),
            company_name=e.get("INTAKE_COMPANY_NAME", "IP Dots"),
            company_country=e.get("INTAKE_COMPANY_COUNTRY", "DK").strip().upper(),
            salary_range_required=_bool(e.get("INTAKE_SALARY_RANGE_REQUIRED", "0")),
            dpo_email=e.get("INTAKE_DPO_EMAIL", "privacy@example.com"),
            authority_name=e.get("INTAKE_AUTHORITY_NAME", "Datatilsynet"),
            authority_url=e.get("INTAKE_AUTHORITY_URL", "https://www.datatilsynet.dk"),
            sub_processors=_processors(
                e.get("INTAKE_SUB_PROCESSORS", "Hosting provider|database and encrypted files|EU")
            ),
            transfers=_processors(e.get("INTAKE_TRANSFERS", "")),
            retention=retention,
            retention_batch_size=int(e.get("RETENTION_BATCH_SIZE", 500)),
            retention_visit_batch_size=int(e.get("RETENTION_VISIT_BATCH_SIZE", 0)),
            backup_retention_days=int(e.get("INTAKE_BACKUP_RETENTION_DAYS", 14)),
            log_format=e.get("INTAKE_LOG_FORMAT", "text"),
            metrics_allow=tuple(
                a.strip()
                for a in e.get("INTAKE_METRICS_ALLOW", "127.0.0.0/8,::1").split(",")
                if a.strip()
            ),
            smtp=smtp,
            hris_webhook_url=e.get("INTAKE_HRIS_WEBHOOK_URL", "").strip(),
            hris_webhook_secret=e.get("INTAKE_HRIS_WEBHOOK_SECRET", ""),
            caps=_caps(e),
            trusted_proxies=_trusted_proxies(e.get("INTAKE_TRUSTED_PROXIES", "")),
            identity_provider=_identity_provider(e),
        )
    except ValueError as exc:
        raise ConfigError(f"a numeric setting is not a number: {exc}") from exc
    if not 1 <= retention.unconfirmed_application_hours <= 720:
        raise ConfigError("INTAKE_UNCONFIRMED_APPLICATION_HOURS must be from 1 to 720 (30 days)")
    if settings.log_format not in {"text", "json"}:
        raise ConfigError(
            f"INTAKE_LOG_FORMAT must be 'text' or 'json', not {settings.log_format!r}"
        )
    if check and settings.is_production:
        problems = settings.unsafe_settings()
        if problems:
            raise ConfigError("refusing to start in production: " + "; ".join(problems))
    return settings


_current: Settings | None = None


def use(settings: Settings) -> None:
    """Make `settings` the ones services read through `current()` (set by create_app)."""
    global _current
    _current = settings


def current() -> Settings:
    global _current
    if _current is None:
        _current = load_settings()
    return _current
