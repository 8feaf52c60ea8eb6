"""The Danish catalogues: Babel's own checks (placeholders match, nothing fuzzy), and Danish
actually reaches the page when asked for."""

from pathlib import Path

from babel.messages.checkers import python_format
from babel.messages.pofile import read_po

from app.web.render import translate_message

CATALOGUES = sorted(Path("locales/da/LC_MESSAGES").glob("*.po"))


def test_every_catalogue_passes_babels_checks():
    assert CATALOGUES, "no Danish catalogue found"
    problems = []
    seen: dict[str, str] = {}
    for path in CATALOGUES:
        with path.open("rb") as fh:
            catalog = read_po(fh, locale="da")
        for message in catalog:
            if not message.id:
                continue
            try:
                python_format(catalog, message)
            except Exception as exc:  # TranslationError: placeholders differ
                problems.append(f"{path.name}: {message.id!r}: {exc}")
            if not message.string:
                problems.append(f"{path.name}: {message.id!r} has no Danish text")
            key = f"{message.context or ''}|{message.id}"  # pgettext: one id, two contexts
            if key in seen and seen[key] != message.string:
                problems.append(f"{path.name}: {key!r} is translated differently in another catalogue")
            seen[key] = message.string
    assert not problems, "\n".join(problems)


def test_numbered_messages_are_translated_with_their_number():
    assert translate_message("da", "Use at most 200 characters.") == "Brug højst 200 tegn."
    assert translate_message("en", "Use at most 200 characters.") == "Use at most 200 characters."


async def test_danish_reaches_the_page(client):
    page = await client.get("/console/login", headers={"accept-language": "da-DK,da;q=0.9"})
    assert '<html lang="da">' in page.text
    missing = await client.get("/no/such/page", headers={"accept-language": "da"})
    assert "Vi kunne ikke finde siden" in missing.text
    switched = await client.get("/no/such/page?lang=en", headers={"accept-language": "da"})
    assert "We could not find that page" in switched.text


def test_template_messages_without_values_are_made_once_per_language():
    from app.web.render import template_gettext

    english, _ = template_gettext("en")
    danish, _ = template_gettext("da")
    assert (english("Done"), danish("Done")) == ("Done", "Færdig")
    assert danish("Done") is danish("Done")  # kept, not made again
    assert english("Done") == "Done"  # each language keeps its own
    # Still formatted as Jinja's newstyle gettext formats it: "%%" is one "%".
    assert english("100%% sure") == "100% sure" == english("100%% sure")
    assert danish("Welcome, %(name)s!", name="<b>") == "Velkommen, &lt;b&gt;!"
