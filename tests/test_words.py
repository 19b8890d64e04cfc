"""Words on pages live in templates and the string catalogue (templates/strings.toml), not in Python: an edition
in another language replaces those files, not code."""

from __future__ import annotations

import re

from tests.conftest import ROOT
from tests.test_site_specific import _value, tokens

MODULES = sorted(
    path.relative_to(ROOT / "datasite").with_suffix("").as_posix() for path in (ROOT / "datasite").rglob("*.py")
)
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]")
# Values of the data that the code compares with or recognises, not words it shows: (module, text).
DATA_VALUES = {
    # The reference data's government types (ref-local-governments, field "type", its schema's enum), which the code
    # recognises (the prefectures) and orders and names the peer-group pages by (groups/type-town.html).
    ("localgov/model", '"都道府県"'),
    ("localgov/gather", '"都道府県"'),
    ("localgov/gather", '"政令市"'),
    ("localgov/gather", '"特別区"'),
    ("localgov/gather", '"市"'),
    ("localgov/gather", '"町"'),
    ("localgov/gather", '"村"'),
    # The peer groups' applies_to (ref-peer-groups, tables groupings and source-figures, their schemas' enums).
    ("localgov/model", '"すべて"'),
    ("localgov/model", '"市区町村"'),
    # A benchmark row's status (e.g. jusou-implementation, field "status"): the planned year, not a result.
    ("localgov/gather", '"予定"'),
}
# Modules whose words are still being moved to the catalogue (issue 18, point 5). Each line goes when its module is
# done; the list only shrinks.
NOT_YET = {
    "captions",
    "chart_worker",
    "charts",
    "cli",
    "config",
    "content",
    "formatting",
    "model",
    "pages/discovery",
    "pages/downloads",
    "pipeline",
    "policy/logic",
    "policy/review_items",
    "policy/review_model",
    "policy/review_types",
    "rules",
    "scaffold",
    "serve",
    "standing",
    "typeset",
    "validate",
}


def test_no_module_holds_japanese_words() -> None:
    found = [
        f"datasite/{name}.py:{token.line}: {token.text}"
        for name in MODULES
        if name not in NOT_YET
        for token in tokens(ROOT / "datasite" / f"{name}.py")
        if token.kind == "code" and JAPANESE.search(_value(token.text)) and (name, token.text) not in DATA_VALUES
    ]
    assert found == [], "put these words in templates/strings.toml or a template:\n" + "\n".join(found)


def test_the_list_of_modules_still_to_do_names_only_modules_that_exist() -> None:
    assert set(MODULES) >= NOT_YET
