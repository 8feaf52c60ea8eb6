"""Imports flow one way: doors -> services -> tables (DESIGN.md). A service that imports a door
(or Litestar) could not be called by the scheduler or the CLI without the web stack; issue 21.10
moved the catalogues below the doors for exactly that reason."""

import ast
from pathlib import Path

SERVICE_FOLDERS = ("app/privacy", "app/recruiting", "app/visits", "app/staff")
# The composition root and the CLI are doors of their own; every other ground-floor file is not.
GROUND_FLOOR_DOORS = {"app/main.py", "app/cli.py", "app/asgi.py"}
FORBIDDEN = ("app.web", "kiosk", "litestar")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _below_the_doors() -> list[Path]:
    files = [p for folder in SERVICE_FOLDERS for p in sorted(Path(folder).rglob("*.py"))]
    files += [p for p in sorted(Path("app").glob("*.py")) if str(p) not in GROUND_FLOOR_DOORS]
    return files


def test_services_and_the_ground_floor_never_import_a_door():
    files = _below_the_doors()
    assert Path("app/i18n.py") in files and Path("app/recruiting/applications.py") in files
    wrong = [
        f"{path}: {name}"
        for path in files
        for name in sorted(_imports(path))
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    ]
    assert not wrong, "imports that run back up:\n" + "\n".join(wrong)


def test_the_door_keeps_only_the_request_side_of_languages():
    import app.web.i18n as door

    assert not hasattr(door, "translations") and not hasattr(door, "gettext_for")
    from app.i18n import gettext_for

    assert gettext_for("da")("Done") == "Færdig"
