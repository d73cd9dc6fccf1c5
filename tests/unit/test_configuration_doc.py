"""docs/CONFIGURATION.md is the settings class, written out: every setting once, as declared."""

from __future__ import annotations

import re

from db.configuration_doc import DOC, render
from db.settings import Settings


def test_the_configuration_doc_is_the_settings_class() -> None:
    assert DOC.read_text() == render(), "docs/CONFIGURATION.md is stale: run `make docs`"


def test_every_setting_appears_once_with_a_meaning() -> None:
    variables = re.findall(r"^\| `([A-Z_0-9]+)` \|", DOC.read_text(), flags=re.MULTILINE)
    assert sorted(variables) == sorted(name.upper() for name in Settings.model_fields)
    assert all(field.description for field in Settings.model_fields.values())
