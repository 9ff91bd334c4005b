"""Tier labels as programmes write them ("Gold Partner", "Tier 1 - Strategic", "Level:
Gold"), through `score --json` and `inspect`: the programme's words are looked through,
an unknown word is never guessed, and the user's [labels] win.

The labels are spelt as partner programmes publish their tiers (HubSpot's Solutions
Partner tiers Gold / Platinum / Diamond / Elite, exported as "Gold Partner"; Oracle's
and Salesforce PRM's "Gold / Silver / Bronze" program tiers), wrapped the way ops teams
wrap them."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from click.testing import CliRunner

from tierwise.cli import main

AS_OF = "2026-11-30"


def tracker(tmp_path: Path, labels: list[str]) -> Path:
    path = tmp_path / "partners.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Partner", "Partner tier", "Closed Revenue", "Pipeline"])
        for i, label in enumerate(labels):
            out.writerow([f"Partner {i:02d}", label, 10_000 * (i + 1), 5_000])
    return path


def score_json(path: Path, *extra: str) -> dict:
    result = CliRunner().invoke(main, ["score", str(path), "--json", "--as-of", AS_OF, *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def tiers(doc: dict) -> dict[str, str | None]:
    return {p["partner"]: p["designated_tier"] for p in doc["partners"]}


def inspect_text(path: Path, *extra: str) -> str:
    result = CliRunner().invoke(main, ["inspect", str(path), *extra])
    assert result.exit_code == 0, result.output
    return result.output


WRAPPED = {
    "Gold Partner": "tactical",
    "Platinum Partner": "strategic",
    "Diamond Partner": "strategic",
    "Elite Partner": "strategic",
    "Silver Partner": "tactical",
    "Tier 1 - Strategic": "strategic",
    "Gold (2024)": "tactical",
    "Level: Gold": "tactical",
    "Bronze Program Member": "casual",
    "TIER 2": "tactical",
    "Registered Partner": "casual",
    "FY26 Platinum": "strategic",
}


def test_labels_wrapped_in_the_programmes_words_name_their_tier(tmp_path: Path) -> None:
    labels = list(WRAPPED)
    doc = score_json(tracker(tmp_path, labels))
    assert tiers(doc) == {f"Partner {i:02d}": WRAPPED[label] for i, label in enumerate(labels)}
    assert not [w for w in doc["warnings"] if "tier label" in w["message"]]
    assert not [n for n in doc["portfolio"]["notes"] if "tier label" in n]
    assert "tier label" not in inspect_text(tracker(tmp_path, labels))


def test_a_diamond_partner_is_not_promoted_as_if_it_had_no_tier(tmp_path: Path) -> None:
    doc = score_json(tracker(tmp_path, ["Diamond Partner", "Gold Partner", "Silver Partner"]))
    assert tiers(doc) == {
        "Partner 00": "strategic",
        "Partner 01": "tactical",
        "Partner 02": "tactical",
    }
    diamond = next(p for p in doc["partners"] if p["partner"] == "Partner 00")
    assert diamond["action"] != "promote"


UNKNOWN = [
    "Provider",  # a word the label map does not know
    "Tier 1 - Gold",  # two tiers in one label: not guessed
    "Gold Reseller",  # a known tier beside an unknown word
    "Partner",  # nothing but the programme's word
    "Gold (legacy)",
    "Champion Partner",
    "Ally",
    "Star",
    "Tier 9",
    "Level Up",
    "Nova",
    "Apex",
]


def test_every_unknown_label_is_counted_and_quoted_never_guessed(tmp_path: Path) -> None:
    # Mostly known labels: a column of mostly unknown ones is no tier column at all.
    labels = [*UNKNOWN, "Provider", *["Gold Partner"] * 14]
    path = tracker(tmp_path, labels)
    doc = score_json(path)
    unknown_rows = {f"Partner {i:02d}" for i, label in enumerate(labels) if label != "Gold Partner"}
    assert {p for p, t in tiers(doc).items() if t is None} == unknown_rows

    # One warning for the column: every cell counted, every distinct label quoted (the
    # first ten by name, then how many more), each with the cells that hold it.
    (warning,) = [w for w in doc["warnings"] if "tier label" in w["message"]]
    message = warning["message"]
    assert message.startswith(
        "Partner tier: 13 cells hold 12 tier label(s) the label map does not know: "
        "'Provider' (B2, B14), 'Tier 1 - Gold' (B3), 'Gold Reseller' (B4), 'Partner' (B5)"
    )
    assert message.endswith(
        "and 2 more; treated as no tier (add them under [labels] in your rubric)"
    )
    for label in UNKNOWN[:10]:
        assert repr(label) in message
    assert "Gold Partner" not in message

    # The scorer's note says the same, by worksheet row.
    (note,) = [n for n in doc["portfolio"]["notes"] if "tier label" in n]
    assert note.startswith("13 partner(s) carry 12 tier label(s) the label map does not know: ")
    assert "'Provider' (rows 2, 14)" in note and "and 2 more" in note

    # inspect shows that warning whole.
    out = " ".join(inspect_text(path).split())
    assert " ".join(message.split()) in out


def test_inspect_and_score_judge_every_label_alike(tmp_path: Path) -> None:
    labels = [*WRAPPED, *UNKNOWN, *WRAPPED]
    path = tracker(tmp_path, labels)
    doc = score_json(path)
    (warning,) = [w for w in doc["warnings"] if "tier label" in w["message"]]
    warned = set(re.findall(r"'([^']+)' \(B", warning["message"]))
    unknown = {labels[int(p[-2:])] for p, t in tiers(doc).items() if t is None}
    assert unknown == set(UNKNOWN)
    assert warned == set(UNKNOWN[:10])  # the rest counted: "and 2 more"


def test_the_users_labels_win_over_the_defaults_and_the_wrappers(tmp_path: Path) -> None:
    rubric = tmp_path / "mine.toml"
    rubric.write_text(
        '[labels]\nstrategic = ["Gold", "Champion", "Tier 1 - Gold"]\n', encoding="utf-8"
    )
    labels = ["Gold Partner", "Champion Partner", "Tier 1 - Gold", "Silver Partner", "Level: Gold"]
    doc = score_json(tracker(tmp_path, labels), "--rubric", str(rubric))
    assert tiers(doc) == {
        "Partner 00": "strategic",  # the default lists Gold as tactical: theirs wins
        "Partner 01": "strategic",
        "Partner 02": "strategic",  # listed whole, so not two tiers
        "Partner 03": "tactical",  # the default's labels still stand
        "Partner 04": "strategic",
    }
    assert not [w for w in doc["warnings"] if "tier label" in w["message"]]
