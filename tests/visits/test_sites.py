"""Several offices (issue 19, point 5): each site's kiosks offer its own hosts and notice;
reception of one site never sees, nor acts on, another site's visitors (an admin sees all);
each site signs its visitors out at its own end of day; existing data moves to a first site."""

from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec
import pytest

from app.clock import utcnow
from app.errors import ValidationFailed
from app.privacy.audit import Actor
from app.privacy.notices import current_notice, publish
from app.tables import HostSite, Kiosk, Site, StaffSite, Visit
from app.visits import on_site, visits
from app.visits.hosts import matching_hosts
from app.visits.sites import SiteFields, create_site, first_site_id, site_scope
from tests.factories import enrolled_kiosk, host, staff_member
from tests.helpers import csrf_from, login_staff


async def two_sites() -> dict:
    """Copenhagen (the first site) and Aarhus, each with a host, a kiosk and a receptionist;
    Bo Busy is at both."""
    cph = await first_site_id()
    aarhus = await create_site(SiteFields("Aarhus", "Åboulevarden 1"), utcnow())
    hanne = await host("Hanne Host", "hanne@example.org")  # the first site's
    anders = await host("Anders Aarhus", "anders@example.org")
    await HostSite.update({HostSite.site: aarhus}).where(HostSite.host == anders)
    busy = await host("Bo Busy", "bo@example.org")
    await HostSite.insert(HostSite(host=busy, site=aarhus))
    kiosk_cph, _ = await enrolled_kiosk("Lobby CPH")
    kiosk_aar, tablet_aar = await enrolled_kiosk("Lobby AAR")
    await Kiosk.update({Kiosk.site: aarhus}).where(Kiosk.id == kiosk_aar)
    rec_cph = await staff_member("reception", email="rec-cph@example.org")
    rec_aar = await staff_member("reception", email="rec-aar@example.org")
    await StaffSite.update({StaffSite.site: aarhus}).where(StaffSite.staff == rec_aar[0])
    return {"cph": cph, "aarhus": aarhus, "hanne": hanne, "anders": anders, "busy": busy,
            "kiosk_cph": kiosk_cph, "kiosk_aar": kiosk_aar, "rec_cph": rec_cph,
            "rec_aar": rec_aar, "tablet_aar": tablet_aar}  # fmt: skip


async def visit_at(site_id: int, host_id: int, name: str, kiosk_id: int | None = None) -> int:
    notice = await current_notice("visitor", "en", site_id)
    form = visits.SignIn(visitor_name=name, host_id=host_id, purpose="meeting", language="en",
                         notice_id=notice.id, site_id=site_id, submission=name)  # fmt: skip
    badge = await visits.sign_in(form, kiosk_id, utcnow())
    return int((await Visit.select(Visit.id).where(Visit.uid == badge.visit_ref).first())["id"])


def reception(staff: tuple) -> Actor:
    return Actor(kind="staff", id=staff[0], role="reception")


async def test_a_kiosk_offers_and_accepts_only_its_own_sites_hosts(notices):
    w = await two_sites()
    assert [h.name for h in await matching_hosts("an", w["cph"])] == ["Hanne Host"]
    assert [h.name for h in await matching_hosts("an", w["aarhus"])] == ["Anders Aarhus"]
    assert [h.name for h in await matching_hosts("bo", w["aarhus"])] == ["Bo Busy"]
    assert [h.name for h in await matching_hosts("bo", w["cph"])] == ["Bo Busy"]  # at both
    await HostSite.delete().where((HostSite.host == w["busy"]) & (HostSite.site == w["cph"]))
    assert await matching_hosts("bo", w["cph"]) == []
    with pytest.raises(ValidationFailed) as refused:
        await visit_at(w["cph"], w["anders"], "Wrong Office", w["kiosk_cph"])
    assert "host" in refused.value.errors
    assert await Visit.count() == 0
    await visit_at(w["aarhus"], w["anders"], "Right Office", w["kiosk_aar"])
    row = await Visit.select(Visit.site, Visit.kiosk).first()
    assert row == {"site": w["aarhus"], "kiosk": w["kiosk_aar"]}


async def test_a_sites_own_notice_comes_first_else_the_shared_one(notices):
    w = await two_sites()
    shared = await current_notice("visitor", "da", w["aarhus"])
    own = await publish("visitor", "da", "Aarhus", "Kort", "Tekst", {}, utcnow(),
                        site_id=w["aarhus"])  # fmt: skip
    assert (await current_notice("visitor", "da", w["aarhus"])).id == own.id
    assert (await current_notice("visitor", "da", w["cph"])).id == shared.id
    assert (await current_notice("visitor", "da")).id == shared.id  # no site: the shared one
    assert own.version == 1  # numbered on its own
    assert (await current_notice("visitor", "en", w["aarhus"])).language == "en"


async def test_reception_sees_only_its_own_sites_visitors_and_an_admin_sees_all(notices):
    w = await two_sites()
    await visit_at(w["cph"], w["hanne"], "Carl Copenhagen")
    await visit_at(w["aarhus"], w["anders"], "Aase Aarhus")
    now = utcnow()

    async def names(actor: Actor) -> dict[str, set[str]]:
        here, _ = await on_site.desk(actor, now)
        return {
            "desk": {v["visitor_name"] for v in here},
            "evacuation": {v["visitor_name"] for v in await on_site.evacuation_list(actor, now)},
            "log": {v["visitor_name"] for v in await on_site.visit_log(actor, now)},
            "search": {v["visitor_name"] for v in await on_site.visit_log(actor, now, "a")},
        }

    for lists in (await names(reception(w["rec_cph"]))).values():
        assert lists == {"Carl Copenhagen"}
    for lists in (await names(reception(w["rec_aar"]))).values():
        assert lists == {"Aase Aarhus"}
    admin = Actor(kind="staff", id=None, role="admin")
    for lists in (await names(admin)).values():
        assert lists == {"Carl Copenhagen", "Aase Aarhus"}
    # Deny by default: a receptionist with no site, and any other role, sees nobody.
    await StaffSite.delete().where(StaffSite.staff == w["rec_cph"][0])
    assert await site_scope(reception(w["rec_cph"])) == ()
    for lists in (await names(reception(w["rec_cph"]))).values():
        assert lists == set()
    assert await site_scope(Actor(kind="staff", id=None, role="hr")) == ()


async def test_reception_of_one_site_cannot_act_on_another_sites_visitors(client, notices):
    """The route matrix for sites: every reception route that names or lists a visitor,
    called by reception of Copenhagen about an Aarhus visitor."""
    w = await two_sites()
    aase = await visit_at(w["aarhus"], w["anders"], "Aase Aarhus")
    _, email, password = w["rec_cph"]
    await login_staff(client, email, password)
    for path in ("/console/reception", "/console/reception/evacuation",
                 "/console/reception/log", "/console/reception/log?q=Aase",
                 "/console/reception/walk-in"):  # fmt: skip
        page = await client.get(path)
        assert page.status_code == 200 and "Aase Aarhus" not in page.text, path
        assert "Anders Aarhus" not in page.text, path  # nor another site's hosts
    token = csrf_from((await client.get("/console/reception")).text)
    out = await client.post(f"/console/reception/visits/{aase}/sign-out",
                            data={"_csrf_token": token})  # fmt: skip
    assert out.status_code == 404
    assert (await Visit.select(Visit.signed_out_at).where(Visit.id == aase).first())[
        "signed_out_at"
    ] is None
    walk_in = await client.post("/console/reception/walk-in", data={
        "_csrf_token": token, "visitor_name": "Sneaky Walk", "host_id": str(w["anders"]),
        "purpose": "meeting", "language": "en", "notice_given": "true",
        "site_id": str(w["aarhus"]), "submission": "walk-1",
    })  # fmt: skip
    assert walk_in.status_code == 400 and await Visit.count() == 1
    expected = await client.post("/console/reception/expected", data={
        "_csrf_token": token, "visitor_name": "Eva Expected", "visitor_email": "eva@example.org",
        "host_id": str(w["anders"]), "expected_on": utcnow().date().isoformat(),
        "purpose": "meeting", "site_id": str(w["aarhus"]),
    })  # fmt: skip
    assert expected.status_code == 400
    # Their own site's host, at their own site: the desk works as before.
    walk_in = await client.post("/console/reception/walk-in", data={
        "_csrf_token": token, "visitor_name": "Carl Copenhagen", "host_id": str(w["hanne"]),
        "purpose": "meeting", "language": "en", "notice_given": "true",
        "site_id": str(w["cph"]), "submission": "walk-2",
    })  # fmt: skip
    assert walk_in.status_code == 200
    assert await Visit.count().where(Visit.site == w["cph"]) == 1


async def test_each_site_signs_out_at_its_own_end_of_day_in_its_own_time_zone(notices):
    w = await two_sites()
    await Site.update({Site.timezone: "America/New_York", Site.end_of_day: "18:00"}).where(
        Site.id == w["aarhus"]
    )
    await visit_at(w["cph"], w["hanne"], "Carl Copenhagen")  # ends 20:00 Copenhagen
    await visit_at(w["aarhus"], w["anders"], "Nora New York")  # ends 18:00 New York
    morning = datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
    await Visit.update({Visit.signed_in_at: morning}, force=True)
    at_cph_end = datetime(2026, 12, 2, 20, 5, tzinfo=ZoneInfo("Europe/Copenhagen"))
    assert await visits.sign_out_everyone(at_cph_end) == 1
    gone = await Visit.select(Visit.visitor_name, Visit.signed_out_at).where(
        Visit.signed_out_at.is_not_null()
    )
    assert [g["visitor_name"] for g in gone] == ["Carl Copenhagen"]
    ny = ZoneInfo("America/New_York")
    assert await visits.sign_out_everyone(datetime(2026, 12, 2, 17, 55, tzinfo=ny)) == 0
    assert await visits.sign_out_everyone(datetime(2026, 12, 2, 18, 0, tzinfo=ny)) == 1
    nora = await Visit.select(Visit.signed_out_at).where(Visit.site == w["aarhus"]).first()
    assert nora["signed_out_at"] == datetime(2026, 12, 2, 18, 0, tzinfo=ny)
    assert await visits.sign_out_everyone(datetime(2026, 12, 2, 18, 0, tzinfo=ny)) == 0


async def test_existing_data_moves_to_the_first_site_once_however_often_the_step_runs():
    """The upgrade's data step (migrations/intake_2026_12_04t07_38_46_000000.py) on rows made
    before sites: resumable and idempotent."""
    import importlib

    step = importlib.import_module("migrations.intake_2026_12_04t07_38_46_000000")
    host_id = await host()
    kiosk_id, _ = await enrolled_kiosk()
    receptionist, _, _ = await staff_member("reception")
    # As before sites: nothing anywhere.
    await HostSite.delete(force=True)
    await StaffSite.delete(force=True)
    await Kiosk.update({Kiosk.site: None}, force=True)
    await Site.delete(force=True)
    visit = Visit(visitor_name="Old Visitor", uid=__import__("uuid").uuid4(), host=host_id)
    await visit.save()
    await step._move_to_first_site()
    await step._move_to_first_site()  # run again (an interrupted upgrade run twice)
    sites = await Site.select()
    assert [s["name"] for s in sites] == ["Main office"]
    first = sites[0]["id"]
    assert await Kiosk.select(Kiosk.site).where(Kiosk.id == kiosk_id).first() == {"site": first}
    assert await Visit.select(Visit.site).first() == {"site": first}
    assert await HostSite.select(HostSite.host, HostSite.site) == [{"host": host_id, "site": first}]
    assert await StaffSite.select(StaffSite.staff, StaffSite.site) == [
        {"staff": receptionist, "site": first}
    ]


async def test_the_admin_makes_a_site_and_assigns_kiosks_hosts_and_reception(client, notices):
    hanne = await host()
    kiosk_id, _ = await enrolled_kiosk()
    rec, _, _ = await staff_member("reception", email="rec@example.org")
    _, email, password = await staff_member("admin")
    await login_staff(client, email, password)
    listing = await client.get("/console/sites")
    assert listing.status_code == 200 and "Main office" in listing.text
    token = csrf_from(listing.text)
    bad = await client.post("/console/sites", data={
        "_csrf_token": token, "name": "Aarhus", "timezone": "Mars/Olympus", "end_of_day": "25:00",
    })  # fmt: skip
    assert bad.status_code == 400 and 'value="Aarhus"' in bad.text
    assert await Site.count() == 1
    made = await client.post("/console/sites", data={
        "_csrf_token": token, "name": "Aarhus", "timezone": "Europe/Copenhagen",
        "end_of_day": "17:30", "address": "Åboulevarden 1",
    })  # fmt: skip
    assert made.status_code == 303
    aarhus = int(made.headers["location"].rsplit("/", 1)[1])
    page = await client.get(f"/console/sites/{aarhus}")
    saved = await client.post(f"/console/sites/{aarhus}", data={
        "_csrf_token": csrf_from(page.text), "name": "Aarhus", "timezone": "Europe/Copenhagen",
        "end_of_day": "17:30", "kiosks": [str(kiosk_id)], "hosts": [str(hanne)],
        "staff": [str(rec)],
    })  # fmt: skip
    assert saved.status_code == 303
    assert await Kiosk.select(Kiosk.site).first() == {"site": aarhus}
    assert {r["site"] for r in await HostSite.select().where(HostSite.host == hanne)} == {
        await first_site_id(), aarhus
    }
    assert {r["site"] for r in await StaffSite.select().where(StaffSite.staff == rec)} == {
        await first_site_id(), aarhus
    }
    again = await client.get(saved.headers["location"])
    assert again.status_code == 200 and "Saved." in again.text
    assert (await Site.select(Site.end_of_day).where(Site.id == aarhus).first()) == {
        "end_of_day": "17:30"
    }


async def test_a_receptionist_starts_at_the_first_site(notices):
    rec, _, _ = await staff_member("reception")
    assert await site_scope(Actor(kind="staff", id=rec, role="reception")) == (
        await first_site_id(),
    )


async def test_an_admin_publishes_a_visitor_notice_for_one_site(client, notices):
    w = await two_sites()
    shared = await current_notice("visitor", "da")
    _, email, password = await staff_member("admin")
    await login_staff(client, email, password)
    form = await client.get(f"/console/notices/new?audience=visitor&language=da&site={w['aarhus']}")
    assert form.status_code == 200 and 'name="site_id"' in form.text
    fields = {"_csrf_token": csrf_from(form.text), "audience": "visitor", "language": "da",
              "title": "Aarhus-erklæring", "summary": "Kort", "body": "Tekst"}  # fmt: skip
    wrong = await client.post("/console/notices", data={**fields, "site_id": "999999"})
    assert wrong.status_code == 400
    done = await client.post("/console/notices", data={**fields, "site_id": str(w["aarhus"])})
    assert done.status_code == 303
    assert (await current_notice("visitor", "da", w["aarhus"])).title == "Aarhus-erklæring"
    assert (await current_notice("visitor", "da", w["cph"])).id == shared.id
    listing = await client.get("/console/notices")
    assert "Aarhus-erklæring" in listing.text and ">Aarhus<" in listing.text
    # An admin reads every site's visitors, each with its site named.
    await visit_at(w["aarhus"], w["anders"], "Aase Aarhus")
    evacuation = await client.get("/console/reception/evacuation")
    assert "Aase Aarhus" in evacuation.text and "<td>Aarhus</td>" in evacuation.text


async def test_an_invitation_is_valid_only_at_its_own_sites_kiosks(notices):
    from app.visits import preregistration
    from app.visits.local_time import local_date

    w = await two_sites()
    admin = Actor(kind="staff", id=None, role="admin")
    expected = preregistration.Expected(
        visitor_name="Ivy Invited", visitor_email="ivy@example.org", host_id=w["anders"],
        expected_on=local_date(utcnow()), site_id=w["aarhus"],
    )  # fmt: skip
    with pytest.raises(ValidationFailed):  # Anders is not a host of the first site
        await preregistration.preregister(
            msgspec.structs.replace(expected, site_id=w["cph"]), None, utcnow(), admin
        )
    with pytest.raises(ValidationFailed):  # reception of Copenhagen cannot invite to Aarhus
        await preregistration.preregister(expected, None, utcnow(), reception(w["rec_cph"]))
    code = await preregistration.preregister(expected, None, utcnow(), reception(w["rec_aar"]))
    with pytest.raises(ValidationFailed):
        await preregistration.invitation(code, w["kiosk_cph"], utcnow(), w["cph"])
    shown = await preregistration.invitation(code, w["kiosk_aar"], utcnow(), w["aarhus"])
    assert shown.host_name == "Anders Aarhus"


async def test_the_desk_knows_each_sites_active_hosts(notices):
    from app.tables import Host
    from app.visits.hosts import hosts_by_site

    w = await two_sites()
    await Host.update({Host.active: False}).where(Host.id == w["hanne"])
    assert await hosts_by_site((w["cph"], w["aarhus"])) == {
        w["cph"]: [w["busy"]], w["aarhus"]: sorted([w["anders"], w["busy"]])}  # fmt: skip
    assert await hosts_by_site((w["aarhus"],)) == {w["aarhus"]: sorted([w["anders"], w["busy"]])}
