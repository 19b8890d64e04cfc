"""Words on pages live in templates and the string catalogue (templates/strings.toml), not in the Python that
builds pages: an edition in another language replaces those files, not code."""

from __future__ import annotations

import re

from tests.conftest import ROOT
from tests.test_site_specific import _value, tokens

# The modules that make pages: their titles, descriptions, breadcrumbs and labels come from the catalogue.
PAGE_MODULES = (
    "render",
    "pages/listings",
    "pages/charts",
    "pages/pagination",
    "pages/prose",
    "policy/pages",
    "localgov/pages",
)
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]")
# Values of the data that the code compares with, not words it shows: (module, text).
DATA_VALUES = {("localgov/pages", '"都道府県"')}  # the source-figures table's applies_to for prefectures


def test_the_page_modules_hold_no_japanese_words() -> None:
    found = [
        f"datasite/{name}.py:{token.line}: {token.text}"
        for name in PAGE_MODULES
        for token in tokens(ROOT / "datasite" / f"{name}.py")
        if token.kind == "code" and JAPANESE.search(_value(token.text)) and (name, token.text) not in DATA_VALUES
    ]
    assert found == [], "put these words in templates/strings.toml or a template:\n" + "\n".join(found)
