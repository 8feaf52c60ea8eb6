"""deploy/intake.env.example (the systemd EnvironmentFile and compose's env_file) names only
settings Intake reads: a mistyped name there would be ignored in silence, and the setting left
at its default."""

import re
from pathlib import Path

import pytest

from tests.docs.test_links_and_settings import settings_read_by_the_code

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.stack


def test_every_variable_in_the_example_is_a_setting(tmp_path: Path) -> None:
    text = (ROOT / "deploy" / "intake.env.example").read_text()
    named = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", text, flags=re.M))
    assert {"INTAKE_SECRET_KEY", "INTAKE_TRUSTED_PROXIES", "DATABASE_URL"} <= named
    assert named - settings_read_by_the_code(tmp_path) == set()
