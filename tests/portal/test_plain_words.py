"""Issue 21.2, plain words for candidates: consent choices say what they allow, never the
policy's letters (those are for staff and the export); give and withdraw weigh the same and
name their choice; restriction explains itself and asks first."""

import io
import json
import re
import zipfile

from app.tables import Application, Candidate
from tests.helpers import csrf_from
from tests.portal.support import apply_via_portal, position_slug, sign_in

LETTERS = re.compile(r"\b(purpose|formål|Purpose|Formål) [mnL]\b|\(purpose|\(formål")
PLAIN = {
    "en": ("Let HR read my CV and background", "Let HR evaluate me in interviews"),
    "da": ("Lad HR læse mit CV og min baggrund", "Lad HR vurdere mig i samtaler"),
}
BUTTON = re.compile(r"<button\b[^>]*>.*?</button>", re.S)


async def signed_in(client, **fields) -> None:
    await apply_via_portal(client, await position_slug(), **fields)
    await sign_in(client, "ada@example.org")


async def test_the_apply_form_and_the_confirmation_speak_plainly(client, notices):
    slug = await position_slug()
    for lang in ("en", "da"):
        page = await client.get(f"/apply/{slug}", headers={"accept-language": lang})
        assert all(words in page.text for words in PLAIN[lang]), lang
        assert not LETTERS.search(page.text), LETTERS.search(page.text)
        # The notice's exact text is still beside each box (it is what a consent proves).
        assert 'aria-describedby="consent_m-text"' in page.text
    done = await apply_via_portal(client, slug, consent_m=None, consent_n=None)
    assert done.status_code == 200 and not LETTERS.search(done.text)
    notice = await client.get("/privacy/candidate", headers={"accept-language": "da"})
    assert not LETTERS.search(notice.text)


async def test_my_page_buttons_weigh_the_same_and_say_which_choice(client, notices):
    await signed_in(client, marketing=None)
    for lang, withdraw, give in (("en", "Withdraw: ", "Give consent: "),
                                 ("da", "Træk tilbage: ", "Giv samtykke: ")):
        page = await client.get("/me", headers={"accept-language": lang})
        assert not LETTERS.search(page.text), LETTERS.search(page.text)
        assert f'aria-label="{withdraw}{PLAIN[lang][0]}"' in page.text
        assert f'aria-label="{withdraw}{PLAIN[lang][1]}"' in page.text
        assert f'aria-label="{give}' in page.text  # marketing and the talent pool, not given
        consent_buttons = [b for b in BUTTON.findall(page.text)
                           if withdraw in b or give in b]
        assert len(consent_buttons) == 4
        assert {re.search(r'class="([^"]*)"', b).group(1) for b in consent_buttons} == {
            "secondary"}


async def test_the_export_names_the_policy_letters(client, notices):
    await signed_in(client, marketing="true")
    archive = zipfile.ZipFile(io.BytesIO((await client.get("/me/export")).content))
    history = json.loads(archive.read("consent-history.json"))
    assert {(e["purpose"], e["policy_letter"]) for e in history} == {
        ("m", "m"), ("n", "n"), ("marketing", "L")}


async def test_restriction_explains_itself_and_asks_first(client, notices):
    await signed_in(client)
    app = await Application.select().first()
    me = await client.get("/me")
    # No one-tap freeze on the candidate page: a link to the explanation instead.
    assert 'name="restricted" value="true"' not in me.text
    assert f'href="/me/applications/{app["id"]}/restrict"' in me.text
    for lang, words in (("en", "nobody at the company may read, evaluate or move it"),
                        ("da", "ingen i virksomheden må læse, vurdere eller flytte den")):
        ask = await client.get(f"/me/applications/{app['id']}/restrict",
                               headers={"accept-language": lang})
        assert ask.status_code == 200 and words in ask.text
    assert not (await Application.select().first())["restricted"]  # asking changes nothing
    done = await client.post(f"/me/applications/{app['id']}/restrict",
                             data={"restricted": "true", "_csrf_token": csrf_from(ask.text)})
    assert done.status_code == 303 and (await Application.select().first())["restricted"]
    assert "Lift the restriction" in (await client.get("/me")).text


async def test_another_candidates_restriction_page_is_not_found(client, notices):
    await signed_in(client)
    app = await Application.select().first()
    await apply_via_portal(client, await position_slug("Other"), email="bo@example.org")
    client.cookies.clear()
    await sign_in(client, "bo@example.org")
    assert (await client.get(f"/me/applications/{app['id']}/restrict")).status_code == 404
    assert await Candidate.count() == 2
