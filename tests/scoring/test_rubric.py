"""The rubric: defaults with reasons, merging a user's file, errors naming the key,
what-if changes and TOML out."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from tierwise.cli import main
from tierwise.errors import TierwiseError
from tierwise.scoring import default_rubric_text, load_rubric


def test_every_judgment_in_the_default_has_a_comment_saying_why() -> None:
    lines = default_rubric_text().splitlines()
    table = ""
    for i, line in enumerate(lines):
        if line.startswith("["):
            table = line
        if table in ("[aliases]", "[labels]") or not line or line.startswith(("#", "[")):
            continue
        above = i - 1
        while above >= 0 and lines[above] and not lines[above].startswith("#"):
            above -= 1
        assert above >= 0 and lines[above].startswith("#"), f"{table} {line} has no comment"


def test_the_default_holds_the_playbook_defaults() -> None:
    r = load_rubric()
    assert r.get("thresholds.significant") == 50
    assert r.get("thresholds.grace_days") == 120
    assert r.get("flags.exec_lunch.min_target") == 1_000_000
    assert r.get("flags.exec_lunch.max_backing") == 0.10
    assert r.get("flags.press_release.days_after_announcement") == 90
    assert r.get("flags.strategic_in_name_only.max_days_inactive") == 90
    assert r.get("tiers.strategic_partners_max") == 2
    assert r.get("tiers.tactical_partners_max") == 10
    assert r.get("tiers.everyone_strategic_percent") == 25
    assert r.get("tiers.strategic_types") == ["consultancy", "integrator", "isv"]


def test_a_users_file_is_merged_over_the_default(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[thresholds]\nsignificant = 60\n[labels]\nstrategic = ["Champion"]\n')
    r = load_rubric(path)
    assert r.get("thresholds.significant") == 60
    assert r.get("thresholds.grace_days") == 120  # untouched keys keep the default
    assert r.labels["strategic"] == ["Champion"]
    assert r.labels["tactical"] == load_rubric().labels["tactical"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[thresholds]\nsignifcant = 60\n", "thresholds.signifcant"),
        ("[nonsense]\nx = 1\n", "nonsense"),
        ('[thresholds]\nsignificant = "high"\n', "thresholds.significant"),
        ("[text]\nvague_phrases = [1, 2]\n", "text.vague_phrases"),
        ("thresholds = 3\n", "thresholds"),
    ],
)
def test_unknown_keys_and_wrong_types_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(TierwiseError, match=re.escape(f"'{key}'")):
        load_rubric(path)


def test_with_values_changes_dotted_keys_and_validates_them() -> None:
    base = load_rubric()
    r = base.with_values({"thresholds.significant": 65, "score.weights.share": 2.0})
    assert r.get("thresholds.significant") == 65
    assert r.get("score.weights.share") == 2.0
    assert base.get("thresholds.significant") == 50  # the original is untouched
    with pytest.raises(TierwiseError, match=re.escape("'thresholds.nope'")):
        base.with_values({"thresholds.nope": 1})
    with pytest.raises(TierwiseError, match=re.escape("'recommend.tactical_min_score'")):
        base.with_values({"recommend.tactical_min_score": "forty"})


def test_to_toml_holds_only_the_overrides_and_reloads_to_the_same_rubric() -> None:
    r = load_rubric().with_values(
        {
            "thresholds.significant": 55.5,
            "labels.strategic": ["Champion", 'Key "A"'],
            "tiers.strategic_types": ["isv"],
        }
    )
    text = r.to_toml()
    assert tomllib.loads(text) == {
        "thresholds": {"significant": 55.5},
        "labels": {"strategic": ["Champion", 'Key "A"']},
        "tiers": {"strategic_types": ["isv"]},
    }
    again = load_rubric(overrides_toml=text)
    assert again.data == r.data
    assert load_rubric().to_toml() == ""


def test_tierwise_rubric_prints_the_default() -> None:
    result = CliRunner().invoke(main, ["rubric"])
    assert result.exit_code == 0
    assert result.output == default_rubric_text()
    assert tomllib.loads(result.output)["thresholds"]["significant"] == 50


def test_a_key_an_earlier_version_had_still_loads_and_is_dropped(tmp_path: Path) -> None:
    """A rubric written for the previous release (or stored in a workbook it annotated)
    that set `text.date_words` still loads; the key is gone from the result."""
    path = tmp_path / "old.toml"
    path.write_text('[text]\ndate_words = ["q1", "fy"]\n', "utf-8")
    rubric = load_rubric(path)
    assert "date_words" not in rubric.data["text"]
    assert "date_words" not in rubric.to_toml()


def test_a_flag_the_default_gives_no_penalty_costs_none_and_a_rubric_may_set_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new flag needs no line in default_rubric.toml: its penalty_<code> is 0 until a
    rubric sets it, and the what-if screen and `--rubric` know the key."""
    from tierwise.scoring import rubric as rubric_module

    text = default_rubric_text()
    without = re.sub(r"(?m)^penalty_press_release = .*\n", "", text)
    assert without != text
    monkeypatch.setattr(rubric_module, "default_rubric_text", lambda: without)
    rubric_module._default_tree.cache_clear()
    try:
        assert load_rubric().get("score.penalty_press_release") == 0.0
        (tmp_path / "r.toml").write_text("[score]\npenalty_press_release = 7.5\n")
        assert load_rubric(tmp_path / "r.toml").get("score.penalty_press_release") == 7.5
    finally:
        rubric_module._default_tree.cache_clear()
