"""The README and docs/ stay true (issue 22): every relative link and image points to a file
that exists (and a `#section` to a heading that exists), every file and test named in a code
span exists, and every setting the code reads is documented in docs/operators.md. The list of settings comes from the code, so a setting added
tomorrow fails here until it is documented."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from app.config import ROOT, load_settings

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
OPERATORS = ROOT / "docs" / "operators.md"

# [text](target), ![alt](target) and <img src="target">; a target may carry a "title".
MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_SRC = re.compile(r"""<(?:img|a|source)\b[^>]*?\b(?:src|href|srcset)=["']([^"']+)["']""")
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
# `app/privacy/access.py`, `tests/portal/test_rights.py::test_name`, `tests/retention/`
CODE_PATH = re.compile(r"`((?:app|kiosk|tests|bench|templates|locales|migrations|docs)/[\w./-]*)"
                       r"(?:::(\w+))?`")


def _without_code(text: str) -> str:
    """Links inside fenced or inline code are examples, not links."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return re.sub(r"`[^`\n]*`", "", text)


def links(path: Path) -> Iterator[str]:
    text = _without_code(path.read_text())
    yield from MARKDOWN_LINK.findall(text)
    yield from HTML_SRC.findall(text)


def slug(heading: str) -> str:
    """The anchor GitHub (and most code hosts) give a heading."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    return {slug(m) for m in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, flags=re.M)}


def broken_links() -> list[str]:
    broken = []
    for doc in DOCS:
        for target in links(doc):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, flags=re.I):  # http:, mailto:, ...
                continue
            file_part, _, anchor = target.partition("#")
            for src in file_part.split(","):  # srcset lists several
                src = src.strip().split(" ")[0]
                dest = (doc.parent / src).resolve() if src else doc
                name = f"{doc.relative_to(ROOT)}: {target}"
                if not dest.exists():
                    broken.append(f"{name} (no such file)")
                elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                    broken.append(f"{name} (no heading #{anchor})")
    return broken


def stale_code_references(docs: list[Path] = DOCS) -> list[str]:
    """Files and tests the docs name in code spans (`tests/x.py::test_y`) that are gone: the
    security and privacy tables point at the test that proves each line."""
    stale = []
    for doc in docs:
        for path, name in CODE_PATH.findall(doc.read_text()):
            target = ROOT / path
            where = f"{doc.name}: {path}{'::' + name if name else ''}"
            if not target.exists():
                stale.append(f"{where} (no such file)")
            elif name and not re.search(rf"def {name}\b", target.read_text()):
                stale.append(f"{where} (no such test)")
    return stale


class _Recorder(dict[str, str]):
    """An environment that remembers every variable asked for."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(values)
        self.asked: set[str] = set()

    def get(self, key, default=None):  # type: ignore[no-untyped-def, override]
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.asked.add(str(key))
        return super().__contains__(key)


def _read_by_load_settings(tmp_path: Path) -> set[str]:
    found: set[str] = set()
    for env in ("development", "production"):
        environ = _Recorder({"INTAKE_ENV": env, "INTAKE_DATA_DIR": str(tmp_path),
                             "INTAKE_SECRET_KEY": "x" * 48})
        load_settings(environ, check=False)
        found |= environ.asked
    return found


def _named_in_source() -> set[str]:
    """Variable names passed to a `.get(...)`, `getenv(...)` or `environ[...]` in the code:
    catches a read that the recorder above did not reach (one behind a condition, or outside
    app/config.py)."""
    found: set[str] = set()
    for path in [*(ROOT / "app").rglob("*.py"), *(ROOT / "kiosk").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            name = None
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                environ_like = path.name == "config.py" or "environ" in ast.unparse(func)
                if (called == "get" and environ_like) or called == "getenv":
                    name = node.args[0].value
            elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
                if "environ" in ast.unparse(node.value):
                    name = node.slice.value
            if isinstance(name, str) and ENV_NAME.match(name):
                found.add(name)
    return found


def settings_read_by_the_code(tmp_path: Path) -> set[str]:
    return _read_by_load_settings(tmp_path) | _named_in_source()


def test_every_relative_link_and_image_points_to_something_that_exists() -> None:
    assert len(DOCS) >= 6, DOCS
    assert broken_links() == []


def test_every_file_and_test_the_docs_name_exists() -> None:
    assert stale_code_references() == []


def test_the_link_check_sees_a_broken_link(tmp_path: Path) -> None:
    doc = tmp_path / "x.md"
    doc.write_text("[ok](x.md) ![gone](img/gone.png) [no section](x.md#nowhere) "
                   "`[code](not-a-link.md)` [web](https://example.org)\n# A heading\n")
    assert sorted(links(doc)) == ["https://example.org", "img/gone.png", "x.md", "x.md#nowhere"]
    assert anchors(doc) == {"a-heading"}
    assert slug("Settings (environment only)") == "settings-environment-only"
    assert slug("The policy's clauses and `code`") == "the-policys-clauses-and-code"
    doc.write_text("`app/config.py` `app/gone.py` `tests/docs/` "
                   "`tests/docs/test_links_and_settings.py::test_gone`")
    assert stale_code_references([doc]) == [
        "x.md: app/gone.py (no such file)",
        "x.md: tests/docs/test_links_and_settings.py::test_gone (no such test)"]


def test_every_setting_the_code_reads_is_documented_in_operators(tmp_path: Path) -> None:
    read = settings_read_by_the_code(tmp_path)
    # The recorder must see the settings we know of, or this test could not fail.
    assert {"DATABASE_URL", "INTAKE_SECRET_KEY", "RETENTION_VISITS_DAYS", "SMTP_FROM"} <= read
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", OPERATORS.read_text()))
    assert sorted(read - documented) == [], "document these settings in docs/operators.md"


def test_the_readme_states_a_ratio_target_for_every_benchmark():
    """Issue 20: "state each ratio target beside it in the README". The benchmarks come from
    bench/cases.py, so a benchmark added tomorrow fails here until the README states its
    target."""
    cases = {
        case
        for source in (ROOT / "bench").glob("*.py")
        for case in re.findall(r'Result\(\s*"(B\d+)"', source.read_text())
    }
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Performance targets"):]
    section = section[: section.index("\n## ", 1)]
    stated = set(re.findall(r"^\| (B\d+) ", section, flags=re.M))
    assert len(cases) >= 8 and cases <= stated, sorted(cases - stated)
