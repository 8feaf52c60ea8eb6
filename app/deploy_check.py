"""`litestar deploy-check`: list the settings that would be unsafe in production, in the spirit
of Django's `check --deploy` (SECURITY.md; issue 7).

In production every finding is an error and the command exits 1; in development the same
findings are printed as warnings and it exits 0, so `make run` stays quiet but honest."""

import sys

import click

from app.config import ConfigError, Settings, load_settings


def findings(settings: Settings) -> list[str]:
    """Everything `Settings.unsafe_settings()` reports, plus what only a deployment shows."""
    problems = list(settings.unsafe_settings())
    if not settings.base_url.startswith("https://"):
        problems.append("INTAKE_BASE_URL is not https: links in mails would travel in clear text")
    return problems


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
