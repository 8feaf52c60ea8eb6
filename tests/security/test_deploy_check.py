"""`litestar deploy-check` (issue 7 item 6): each unsafe setting is named; production exits 1
on any of them, development warns and exits 0. Run as a real subprocess, as an operator would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import ConfigError, load_settings
from app.deploy_check import report

ROOT = Path(__file__).resolve().parents[2]
LITESTAR = Path(sys.executable).parent / "litestar"
SAFE = {
    "INTAKE_ENV": "production",
    "INTAKE_SECRET_KEY": "a-production-secret-that-is-long-enough-0123456789",
    "INTAKE_DEBUG": "0",
    "INTAKE_COOKIE_SECURE": "1",
    "INTAKE_OPENAPI_PUBLIC": "0",
    "INTAKE_ARGON2_PROFILE": "production",
    "INTAKE_BASE_URL": "https://intake.example.com",
    "INTAKE_SCHEDULER": "0",
    "RETENTION_ENABLED": "1",
    "SMTP_HOST": "mail.example.com",
    "SMTP_STARTTLS": "1",
    "SMTP_FROM": "careers@acme.example",
    "INTAKE_COMPANY_NAME": "Acme ApS",
    "INTAKE_DPO_EMAIL": "dpo@acme.example",
}


def deploy_check(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTAKE_", "SMTP_", "RETENTION_"))}
    env.update(SAFE)
    env.update({"INTAKE_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite",
                "PYTHONPATH": str(ROOT)})
    env.update(overrides)
    return subprocess.run([str(LITESTAR), "--app", "app.asgi:app", "deploy-check"], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_a_safe_production_configuration_passes(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no unsafe settings found" in result.stdout


UNSAFE = [
    ({"INTAKE_DEBUG": "1"}, "INTAKE_DEBUG is on"),
    ({"INTAKE_SECRET_KEY": ""}, "INTAKE_SECRET_KEY is missing or shorter"),
    ({"INTAKE_SECRET_KEY": "short-secret"}, "INTAKE_SECRET_KEY is missing or shorter"),
    ({"INTAKE_COOKIE_SECURE": "0"}, "INTAKE_COOKIE_SECURE is off"),
    ({"INTAKE_OPENAPI_PUBLIC": "1"}, "INTAKE_OPENAPI_PUBLIC is on"),
    ({"SMTP_HOST": "mail.example.com", "SMTP_PORT": "25", "SMTP_STARTTLS": "0"},
     "SMTP is configured without TLS"),
    ({"RETENTION_ENABLED": "0"}, "retention is turned off"),
    ({"INTAKE_ARGON2_PROFILE": "test"}, "INTAKE_ARGON2_PROFILE is not 'production'"),
    ({"INTAKE_BASE_URL": "http://intake.example.com"}, "INTAKE_BASE_URL is not https"),
    # issue 18.5: the identity provider's answers must come over TLS, and must let someone in
    ({"INTAKE_OIDC_ISSUER": "http://idp.example.com", "INTAKE_OIDC_CLIENT_ID": "intake",
      "INTAKE_OIDC_ROLE_MAP": "it-admins=admin"}, "INTAKE_OIDC_ISSUER is not an https"),
    ({"INTAKE_OIDC_ISSUER": "https://idp.example.com", "INTAKE_OIDC_CLIENT_ID": "intake"},
     "INTAKE_OIDC_ROLE_MAP is empty"),
]


def in_process(tmp_path: Path, **overrides: str) -> tuple[list[str], int]:
    """The same report, without a process per case (the subprocess tests cover the wiring)."""
    environ = {**SAFE, "INTAKE_DATA_DIR": str(tmp_path),
               "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite", **overrides}
    return report(load_settings(environ, check=False))


@pytest.mark.parametrize(("overrides", "message"), UNSAFE,
                         ids=[m.split()[0] + "-" + str(i) for i, (_, m) in enumerate(UNSAFE)])
def test_each_unsafe_setting_fails_in_production(tmp_path, overrides, message):
    lines, status = in_process(tmp_path, **overrides)
    assert status == 1, lines
    assert f"ERROR: {message}" in "\n".join(lines)
    assert sum(line.startswith("ERROR") for line in lines) == 1  # this one, nothing else
    if "BASE_URL" in message:  # deploy-check only: the server may run behind a TLS proxy
        return
    with pytest.raises(ConfigError):  # and the server itself refuses to start with it
        load_settings({**SAFE, "INTAKE_DATA_DIR": str(tmp_path), **overrides})


DEPLOYMENT_ONLY = [
    ({"SMTP_HOST": ""}, "SMTP_HOST is not set"),
    ({"SMTP_FROM": "intake@example.com"}, "SMTP_FROM is still the example"),
    ({"INTAKE_COMPANY_NAME": "IP Dots"}, "INTAKE_COMPANY_NAME is still the example"),
    ({"INTAKE_DPO_EMAIL": "privacy@example.com"}, "INTAKE_DPO_EMAIL is still the example"),
    ({"INTAKE_BACKUP_RETENTION_DAYS": "30"}, "INTAKE_BACKUP_RETENTION_DAYS (30) is not shorter"),
    # Issue 18.7: the default data folder, <checkout>/var, would go with the code.
    ({"INTAKE_DATA_DIR": str(ROOT / "var")}, f"INTAKE_DATA_DIR ({ROOT / 'var'}) is inside the code"),
    ({"INTAKE_DATA_DIR": str(ROOT / "app" / ".." / "data")}, "INTAKE_DATA_DIR"),
]


@pytest.mark.parametrize(("overrides", "message"), DEPLOYMENT_ONLY,
                         ids=[m.split()[0] for _, m in DEPLOYMENT_ONLY])
def test_example_values_and_missing_mail_are_findings(tmp_path, overrides, message):
    """Issue 18.7: left at their examples, the notice names the wrong controller and no mail
    leaves. A finding of deploy-check; the server itself still starts (mail can come later)."""
    lines, status = in_process(tmp_path, **overrides)
    assert status == 1, lines
    assert any(line.startswith(f"ERROR: {message}") for line in lines), lines
    assert sum(line.startswith("ERROR") for line in lines) == 1
    load_settings({**SAFE, "INTAKE_DATA_DIR": str(tmp_path), **overrides})


def test_a_data_folder_outside_the_checkout_is_not_a_finding(tmp_path):
    """Issue 18.7: /var/lib/intake (here a temporary folder), also when reached through a
    symbolic link that lies inside the checkout."""
    link = ROOT / f".data-link-{os.getpid()}"
    link.symlink_to(tmp_path)
    try:
        for folder in (tmp_path, link):
            lines, status = in_process(tmp_path, INTAKE_DATA_DIR=str(folder))
            assert status == 0, lines
    finally:
        link.unlink()


def test_smtp_with_tls_is_not_a_finding(tmp_path):
    for overrides in ({"SMTP_HOST": "mail.example.com", "SMTP_STARTTLS": "1"},
                      {"SMTP_HOST": "mail.example.com", "SMTP_PORT": "465"}):
        lines, status = in_process(tmp_path, **overrides)
        assert status == 0, lines


def test_development_lists_the_same_findings_as_warnings_and_exits_0(tmp_path):
    result = deploy_check(tmp_path, INTAKE_ENV="development", INTAKE_DEBUG="1",
                          INTAKE_COOKIE_SECURE="0", RETENTION_ENABLED="0")
    assert result.returncode == 0, result.stdout + result.stderr
    for message in ("INTAKE_DEBUG is on", "INTAKE_COOKIE_SECURE is off", "retention is turned off"):
        assert f"WARNING: {message}" in result.stdout
    assert "ERROR" not in result.stdout


def test_several_findings_are_all_listed(tmp_path):
    result = deploy_check(tmp_path, INTAKE_DEBUG="1", INTAKE_OPENAPI_PUBLIC="1", INTAKE_SECRET_KEY="")
    assert result.returncode == 1
    assert result.stdout.count("ERROR: ") == 3
    assert "3 unsafe setting(s)" in result.stdout


def test_the_server_itself_still_refuses_to_start_unsafe_in_production(tmp_path):
    """The report-only path must not become a way to run an unsafe production server."""
    env = {**os.environ, **SAFE, "INTAKE_DEBUG": "1", "INTAKE_DATA_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", "import app.asgi"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "refusing to start in production" in result.stderr


def test_a_short_secret_is_one_clear_line_not_a_traceback(tmp_path):
    """Issue 18.7: the refusal was a 44-line traceback; an operator needs the one line."""
    env = {**os.environ, **SAFE, "INTAKE_SECRET_KEY": "short", "INTAKE_DATA_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", "import app.asgi"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 3  # uvicorn's "failed to start": its supervisor stops
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "INTAKE_SECRET_KEY is missing or shorter than 32 characters" in lines[0]
