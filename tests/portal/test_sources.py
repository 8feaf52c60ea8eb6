""""How did you hear about us?" (issue 20.5): optional, a fixed list admins edit (no free
text), counted anonymously with the application and stored nowhere else; an application that
waits for its address's owner is counted only when the owner confirms it."""

from app.clock import utcnow
from app.privacy import statistics
from app.recruiting import sources
from app.tables import ALL_TABLES, AnonymousStat, Application, ApplicationSource, Candidate
from tests.console.support import signed_in
from tests.helpers import csrf_from
from tests.portal.support import apply_via_portal, position_slug
from tests.portal.test_known_address import OWNER, confirmation_token, fresh_client, owner_applies
from tests.stats_support import counters


def month() -> str:
    return statistics.local_month(utcnow()).isoformat()


async def test_the_answer_is_counted_with_the_application_and_kept_nowhere(client, notices):
    await sources.ensure_defaults()
    friend = next(c for c, label in await sources.listed("en") if label == "A friend or colleague")
    slug = await position_slug("Backend developer")
    form = await client.get(f"/apply/{slug}")
    assert "How did you hear about us? (optional)" in form.text and "A friend or colleague" in form.text

    before = await counters()
    response = await apply_via_portal(client, slug, source=friend)
    assert response.status_code == 200
    after = await counters()
    assert {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)} == {
        f"applications|{month()}|Backend developer": 1,
        f"source|{month()}|{friend}": 1,
        f"consent|{month()}|m|given": 1,
        f"consent|{month()}|n|given": 1,
    }
    # Not on the candidate, not on the application: no column could hold it.
    for table in ALL_TABLES:
        if table in (Candidate, Application):
            assert "source" not in {c._meta.name for c in table._meta.columns}


async def test_free_text_or_a_hidden_source_is_refused_beside_the_field(client, notices):
    await sources.ensure_defaults()
    hidden = (await sources.listed("en"))[0][0]
    await ApplicationSource.update({ApplicationSource.active: False}).where(
        ApplicationSource.id == int(hidden))
    slug = await position_slug()
    for answer in ("my uncle Bob", hidden, "99999"):
        before = await counters()
        response = await apply_via_portal(client, slug, source=answer, full_name="Typed Name")
        assert response.status_code == 400
        assert 'id="source-error"' in response.text and "Typed Name" in response.text
        assert await Application.count() == 0 and await counters() == before
    # Not answering is fine.
    assert (await apply_via_portal(client, slug, source="")).status_code == 200
    assert not await AnonymousStat.exists().where(AnonymousStat.metric == "source")


async def test_a_held_application_is_counted_with_its_source_when_confirmed(client, notices,
                                                                           settings):
    await sources.ensure_defaults()
    event = next(c for c, label in await sources.listed("en") if label == "An event or a fair")
    await owner_applies(client)
    second = await position_slug("Second job")
    before = await counters()
    async with await fresh_client(settings) as stranger:
        stranger.follow_redirects = False
        response = await apply_via_portal(stranger, second, email=OWNER, source=event)
        assert response.status_code == 200
    assert await counters() == before  # unseen by staff: not counted
    token = await confirmation_token()
    page = await client.get(f"/me/confirm/{token}")
    done = await client.post(f"/me/confirm/{token}",
                             data={"_csrf_token": csrf_from(page.text), "decision": "confirm"})
    assert done.status_code == 303
    after = await counters()
    assert after[f"applications|{month()}|Second job"] == 1
    assert after[f"source|{month()}|{event}"] == 1


async def test_admins_add_rename_and_hide_sources(client, notices):
    await sources.ensure_defaults()
    await signed_in(client, "admin")
    page = await client.get("/console/sources")
    assert page.status_code == 200 and "A job board" in page.text
    token = csrf_from(page.text)
    bad = await client.post("/console/sources", data={"_csrf_token": token, "label_en": "",
                                                      "label_da": "Podcast"})
    assert bad.status_code == 400 and "Podcast" in bad.text
    added = await client.post("/console/sources", data={
        "_csrf_token": token, "label_en": "A podcast", "label_da": "En podcast"})
    assert added.status_code == 303
    new = await ApplicationSource.select().where(ApplicationSource.label_en == "A podcast").first()
    assert (new["id"] and new["active"])
    hide = await client.post(f"/console/sources/{new['id']}", data={
        "_csrf_token": token, "label_en": "Podcasts", "label_da": "Podcasts"})
    assert hide.status_code == 303
    assert (str(new["id"]), "Podcasts") not in await sources.listed("en")
    assert (str(new["id"]), "Podcasts") in await sources.listed("en", active_only=False)
    form = await client.get(f"/apply/{await position_slug()}?lang=da")
    assert "En jobportal" in form.text and "Podcasts" not in form.text
