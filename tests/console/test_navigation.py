"""The console's navigation in groups (review of issue 17): the day's work as links in one short
row, the rest in a few named menus (People, Data protection, Settings), so an admin scans
four links and three menus instead of about 19 links in a row. Each role sees every page it
may open exactly once, and no other; every page's URL still answers."""

import re

import pytest

from app.web.console.home import NAVIGATION
from tests.console.support import signed_in

ROW_AT_MOST = 4


def _nav(html: str) -> str:
    found = re.search(r'<nav class="console-nav".*?</nav>', html, re.S)
    assert found
    return found[0]


def _row_links(nav: str) -> list[str]:
    """The links outside any menu."""
    return re.findall(r'<a href="([^"]+)"', re.sub(r"<details.*?</details>", "", nav, flags=re.S))


@pytest.mark.parametrize("role", ["admin", "hr", "reception"])
async def test_each_role_sees_its_pages_once_in_a_short_row_and_named_menus(client, role):
    await signed_in(client, role)
    nav = _nav((await client.get("/console")).text)
    links = re.findall(r'<a href="([^"]+)"', nav)
    mine = [path for path, _, roles, _ in NAVIGATION if role in roles]
    assert sorted(links) == sorted(mine)  # each once, nothing it may not open
    assert len(_row_links(nav)) <= ROW_AT_MOST
    menus = re.findall(r"<summary>(.*?)</summary>", nav)
    assert len(menus) == len(set(menus)) <= 3
    if role == "admin":
        assert menus == ["People", "Data protection", "Settings"]


async def test_every_page_still_answers_and_its_menu_is_marked(client):
    await signed_in(client, "admin")
    for path, _, roles, group in NAVIGATION:
        assert "admin" in roles
        answer = await client.get(path)
        assert answer.status_code == 200, path
        nav = _nav(answer.text)
        assert f'<a href="{path}" aria-current="page">' in nav, path
        marked = re.findall(r'<details class="nav-group here">\s*<summary>(.*?)</summary>', nav)
        assert marked == ([group] if group else []), path


async def test_the_menus_speak_danish(client):
    await signed_in(client, "admin")
    nav = _nav((await client.get("/console?lang=da")).text)
    assert re.findall(r"<summary>(.*?)</summary>", nav) == [
        "Personer", "Databeskyttelse", "Indstillinger"]  # fmt: skip
    assert ">Medarbejdere</a>" in nav and ">Fortegnelse over behandlinger</a>" in nav
