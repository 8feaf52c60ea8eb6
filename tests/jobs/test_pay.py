"""Pay transparency (EU Directive 2023/970, Art. 5; issue 21 point 6): HR sets a salary range
on the console's position form, checked beside each field; the posting, its JSON-LD and the
feeds show it; INTAKE_SALARY_RANGE_REQUIRED keeps a position without it from opening; the
apply form never asks for pay history, in any language."""

import re
from contextlib import contextmanager

import msgspec

from app.config import current, use
from app.tables import Position
from tests.console.support import post_on, signed_in
from tests.factories import open_position
from tests.jobs.support import posting

FORM = {"title": "Data engineer", "location": "Aarhus", "description": "Pipelines.",
        "employment_type": "PART_TIME", "valid_through": "2099-06-30", "salary_min": "40.000",
        "salary_max": "52 000", "salary_currency": "eur", "salary_unit": "MONTH"}


@contextmanager
def range_required():
    before = current()
    use(msgspec.structs.replace(before, salary_range_required=True))
    try:
        yield
    finally:
        use(before)


async def test_hr_sets_a_salary_range_and_the_posting_shows_it(client):
    await signed_in(client, "hr")
    response = await post_on(client, "/console/positions/new", "/console/positions", FORM)
    assert response.status_code == 303, response.text[:2000]
    row = await Position.select().where(Position.title == "Data engineer").first()
    assert (row["salary_min"], row["salary_max"], row["salary_currency"], row["salary_unit"]) == (
        40000, 52000, "EUR", "MONTH")
    assert row["employment_type"] == "PART_TIME" and str(row["valid_through"]) == "2099-06-30"
    edit = await client.get(f"/console/positions/{row['id']}/edit")
    assert 'value="40000"' in edit.text and 'value="2099-06-30"' in edit.text
    opened = await post_on(client, "/console/positions", f"/console/positions/{row['id']}/status",
                           {"status": "open"})
    assert opened.status_code == 303
    english = await client.get(f"/positions/{row['slug']}?lang=en")
    assert "40,000–52,000 EUR per month" in english.text and "Part time" in english.text
    assert "30 June 2099" in english.text  # the last day to apply, never ISO on the page
    danish = await client.get(f"/positions/{row['slug']}?lang=da")
    assert "40.000–52.000 EUR om måneden" in danish.text and "Deltid" in danish.text
    assert "30. juni 2099" in danish.text and "2099-06-30" not in danish.text.split("</script>")[1]


async def test_bad_ranges_are_explained_beside_their_fields_and_typing_is_kept(client):
    await signed_in(client, "hr")
    cases = [
        ({"salary_min": "50000", "salary_max": "40000"}, "salary_max",
         "The highest amount cannot be below the lowest."),
        ({"salary_min": "50000", "salary_max": ""}, "salary_max",
         "Give both ends of the range, or neither."),
        ({"salary_min": "45.5", "salary_max": "50000"}, "salary_min",
         "Enter a whole amount, such as 45000."),
        ({"salary_currency": "XYZ"}, "salary_currency", "Enter a currency code, such as DKK or EUR."),
        ({"salary_unit": "WEEKLY"}, "salary_unit", "Choose one of the options."),
        ({"valid_through": "31/12/2099"}, "valid_through", "Enter a date."),
    ]
    for change, field, message in cases:
        response = await post_on(client, "/console/positions/new", "/console/positions",
                                 {**FORM, **change})
        assert response.status_code == 400, change
        assert f'<p class="field-error" id="{field}-error" role="alert">{message}</p>' in response.text
        assert 'value="Data engineer"' in response.text  # what was typed is kept
    danish = await post_on(client, "/console/positions/new?lang=da", "/console/positions",
                           {**FORM, "salary_max": "1"})
    assert "Det højeste beløb kan ikke være lavere end det laveste." in danish.text
    assert not await Position.exists().where(Position.title == "Data engineer")


async def test_the_setting_keeps_a_position_without_a_range_from_opening(client):
    await signed_in(client, "hr")
    bare = await open_position("Bare", status="draft")
    with range_required():
        refused = await post_on(client, "/console/positions", f"/console/positions/{bare}/status",
                                {"status": "open"})
        assert refused.status_code == 400
        assert "Give the salary range before the position opens." in refused.text
        assert (await Position.select(Position.status).where(Position.id == bare).first())[
            "status"] == "draft"
        # an open position cannot lose its range either
        p = await posting("Paid")
        edit = await post_on(client, f"/console/positions/{p['id']}/edit",
                             f"/console/positions/{p['id']}",
                             {**FORM, "salary_min": "", "salary_max": ""})
        assert edit.status_code == 400 and "salary_min-error" in edit.text
        # with the range it opens
        await post_on(client, f"/console/positions/{bare}/edit", f"/console/positions/{bare}",
                      {**FORM, "title": "Bare"})
        opened = await post_on(client, "/console/positions", f"/console/positions/{bare}/status",
                               {"status": "open"})
        assert opened.status_code == 303
    # without the setting a range stays optional
    other = await open_position("Unpaid listing", status="draft")
    assert (await post_on(client, "/console/positions", f"/console/positions/{other}/status",
                          {"status": "open"})).status_code == 303


# Words that would ask for pay, in English and Danish (Art. 5(2): no question about pay history).
PAY_WORDS = re.compile(
    r"\b(salary|salaries|pay|paid|wage|wages|compensation|remuneration|income|earn\w*|"
    r"løn\w*|gage|indkomst|vederlag|aflønning|tjent|tjente|tjener)\b", re.IGNORECASE)
FORM_PART = re.compile(r"<form[^>]*action=\"/apply/[^\"]+\".*?</form>", re.S)
FIELD_NAMES = re.compile(r'\b(?:name|id|for|autocomplete|placeholder|aria-label)="([^"]*)"')
TAGS = re.compile(r"<[^>]+>")


async def test_the_apply_form_never_asks_for_pay_history(client, notices):
    """Every field, label, hint and option of the rendered apply form, in English and Danish,
    is free of pay words; the posting itself does show the range (so the scan can fail)."""
    p = await posting("Backend developer")
    for lang in ("en", "da"):
        page = await client.get(f"/apply/{p['slug']}?lang={lang}")
        assert page.status_code == 200
        [form] = FORM_PART.findall(page.text)
        names = " ".join(n.replace("_", " ") for n in FIELD_NAMES.findall(form))
        words = TAGS.sub(" ", form)
        assert not PAY_WORDS.search(names), (lang, PAY_WORDS.findall(names))
        assert not PAY_WORDS.search(words), (lang, PAY_WORDS.findall(words))
        posting_page = (await client.get(f"/positions/{p['slug']}?lang={lang}")).text
        assert PAY_WORDS.search(TAGS.sub(" ", posting_page.split("</script>")[1]))
