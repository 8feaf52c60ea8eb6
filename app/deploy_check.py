"""`litestar deploy-check`: list the settings that would be unsafe in production, in the spirit
of Django's `check --deploy` (SECURITY.md; issue 7).

In production every finding is an error and the command exits 1; in development the same
findings are printed as warnings and it exits 0, so `make run` stays quiet but honest."""

import sys
from pathlib import Path

import click

from app.config import ROOT, ConfigError, Settings, Smtp, load_settings

# The values `Settings` ships with, which name nobody's company (the Art. 13 notice and the
# Art. 30 record would name the wrong controller and send people to a dead address).
EXAMPLE_COMPANY = Settings().company_name
EXAMPLE_DPO = Settings().dpo_email
EXAMPLE_SENDER = Smtp().sender


def findings(settings: Settings) -> list[str]:
    """Everything `Settings.unsafe_settings()` reports, plus what only a deployment shows."""
    problems = list(settings.unsafe_settings())
    if not settings.base_url.startswith("https://"):
        problems.append("INTAKE_BASE_URL is not https: links in mails would travel in clear text")
    if not settings.smtp.host:
        problems.append(
            "SMTP_HOST is not set: sign-in links, resets and host mails would never leave"
        )
    elif settings.smtp.sender == EXAMPLE_SENDER:
        problems.append(f"SMTP_FROM is still the example {EXAMPLE_SENDER}")
    shortest = min(settings.retention.visits_days, settings.retention.waiting_consent_days)
    if settings.backup_retention_days >= shortest:
        problems.append(
            f"INTAKE_BACKUP_RETENTION_DAYS ({settings.backup_retention_days}) is not shorter "
            f"than the shortest retention period ({shortest} days): a restore would bring back "
            "records already due"
        )
    if settings.company_name == EXAMPLE_COMPANY:
        problems.append(f"INTAKE_COMPANY_NAME is still the example {EXAMPLE_COMPANY!r}")
    if settings.dpo_email == EXAMPLE_DPO:
        problems.append(f"INTAKE_DPO_EMAIL is still the example {EXAMPLE_DPO}")
    if inside_checkout(settings.data_dir):
        problems.append(
            f"INTAKE_DATA_DIR ({settings.data_dir}) is inside the code checkout: an upgrade "
            "by a fresh checkout or `git clean` would leave the database and CVs behind "
            "(use a folder of its own, such as /var/lib/intake)"
        )
    return problems


def inside_checkout(data_dir: str) -> bool:
    """Is the data folder the checkout's own `var/` or any folder under the code (issue 18.7)?
    Symbolic links are followed: a link in the checkout to /var/lib/intake is outside."""
    return Path(data_dir).resolve().is_relative_to(ROOT.resolve())


def report(settings: Settings) -> tuple[list[str], int]:
    """The lines to print and the exit status."""
    problems = findings(settings)
    level = "ERROR" if settings.is_production else "WARNING"
    lines = [f"{level}: {problem}" for problem in problems]
    if not problems:
        lines.append(f"deploy check ({settings.env}): no unsafe settings found")
    else:
        lines.append(f"deploy check ({settings.env}): {len(problems)} unsafe setting(s)")
    return lines, 1 if problems and settings.is_production else 0


@click.command(name="deploy-check", help="List unsafe settings; exit 1 on any in production.")
def deploy_check() -> None:
    try:
        settings = load_settings(check=False)
    except ConfigError as exc:  # an unreadable setting is itself a finding
        click.echo(f"ERROR: {exc}", err=True)
        sys.exit(1)
    lines, status = report(settings)
    for line in lines:
        click.echo(line)
    sys.exit(status)
