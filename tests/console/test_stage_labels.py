"""A stage reads the same, in the reader's language, everywhere it is shown (queue tabs and
rows, the bulk action and its result, the application page's stage, "Move to" list and
history, the audit log): one label per stage (pipeline.STAGE_LABELS), never the stored key.
The Danish "screening" key looked untranslated in the "Flyt til" list."""

import re
from html import unescape

from app.recruiting.pipeline import STAGE_LABELS, STAGES
from tests.console.support import signed_in
from tests.factories import consenting_application, open_position
from tests.helpers import csrf_from

DANISH = {"received": "Modtaget", "screening": "Gennemgang", "interview": "Samtale",
          "offer": "Tilbud", "hired": "Ansat", "rejected": "Afvist",
          "withdrawn": "Trukket tilbage"}  # fmt: skip


def _texts(html: str) -> str:
    """The words a reader sees: tags dropped, entities decoded."""
    return unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", html, flags=re.S)))


def _no_raw_key(html: str) -> None:
    shown = _texts(html)
    for key in ("screening", "received", "interview", "rejected"):
        assert not re.search(rf"(?<![\w-]){key}(?![\w-])", shown), f"the key {key!r} is shown"


def test_every_stage_has_one_label_and_danish_for_it():
    from app.web.render import stage_label

    assert set(STAGE_LABELS) == set(STAGES)
    assert {s: stage_label("da", s) for s in STAGES} == DANISH
    assert stage_label("en", "screening") == "Screening"


async def test_danish_pages_show_the_stage_labels_never_the_keys(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, "Anna One")
    app_id = a["application_id"]
    base = f"/console/positions/{pid}/applications"

    queue = await client.get(f"{base}?lang=da")
    assert queue.status_code == 200
    assert ">Flyt til Gennemgang</option>" in queue.text  # the bulk action
    assert "Modtaget" in _texts(queue.text)
    _no_raw_key(queue.text)

    page = await client.get(f"{base}/{app_id}")
    assert re.search(r'<strong class="stage">Modtaget</strong>', page.text)
    options = re.search(r'<select id="to_stage".*?</select>', page.text, re.S)
    assert options and ">Gennemgang</option>" in options[0] and ">Afvist</option>" in options[0]
    _no_raw_key(page.text)

    done = await client.post(
        f"{base}/bulk",
        data={
            "selected": [str(app_id)],
            "bulk_action": "screening",
            "_csrf_token": csrf_from(queue.text),
        },
    )
    assert done.status_code == 200
    assert "Flyt til Gennemgang" in done.text
    _no_raw_key(done.text)

    moved = await client.get(f"{base}/{app_id}")
    assert "Modtaget → Gennemgang" in _texts(moved.text)  # the history
    _no_raw_key(moved.text)

    await signed_in(client, "admin")
    log = await client.get("/console/audit?lang=da")
    assert log.status_code == 200
    assert "Modtaget → Gennemgang" in _texts(log.text)
