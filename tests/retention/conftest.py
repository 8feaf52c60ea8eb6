"""Retention tests look at the CV folder as a whole: each starts with it empty (the shared
fixture empties the tables only)."""

import shutil

import pytest


@pytest.fixture(autouse=True)
def empty_cv_folder() -> None:
    from app.config import current

    shutil.rmtree(current().cv_dir, ignore_errors=True)
