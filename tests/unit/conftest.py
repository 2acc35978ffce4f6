"""Fixtures shared by the unit tests."""
import shutil

import pytest

from chalicelib.datafiles import data_dir


@pytest.fixture
def rules(tmp_path):
    """A copy of rules/ to edit: the loader reads it as it reads the real folder."""
    shutil.copytree(data_dir("rules"), tmp_path / "rules")
    return tmp_path / "rules"
