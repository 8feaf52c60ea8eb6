"""Decisions are human (policy: "avoid profiling"; GDPR Art. 22): only the pipeline's
`move_stage`, called with a staff actor, ever writes a stage, and it refuses anyone else."""

import re
from pathlib import Path

import pytest

from app.clock import utcnow
from app.errors import Forbidden
from app.privacy.audit import SYSTEM, Actor
from app.recruiting.pipeline import move_stage
from app.tables import Application, StageChange
from tests.factories import consenting_application, open_position

ROOT = Path(__file__).resolve().parents[2]
# A decision is the pair (decided_at, decided_by), or a literal hired/rejected stage.
WRITES_STAGE = re.compile(
    r"Application\.decided_(?:by|at)\]?\s*[:=]"  # a dict key or an assignment
    r"|stage\"?\]?\s*(?::|(?<![!=<>])=(?!=))\s*\"(?:hired|rejected)\""  # not a comparison
)


def test_only_the_pipeline_writes_a_stage_or_a_decision():
    writers = []
    for path in list((ROOT / "app").rglob("*.py")) + list((ROOT / "kiosk").rglob("*.py")):
        if WRITES_STAGE.search(path.read_text()):
            writers.append(path.relative_to(ROOT).as_posix())
    assert writers == ["app/recruiting/pipeline.py"]


@pytest.mark.parametrize("actor", [SYSTEM, Actor(kind="staff", id=None, role="reception")])
async def test_the_system_or_reception_cannot_reject(actor):
    pid = await open_position()
    a = await consenting_application(pid, cv=None)
    with pytest.raises(Forbidden):
        await move_stage(actor, a["application_id"], pid, "rejected", 0, utcnow(), "rejection")
    row = await Application.select().where(Application.id == a["application_id"]).first()
    assert row["stage"] == "received" and await StageChange.count() == 0
