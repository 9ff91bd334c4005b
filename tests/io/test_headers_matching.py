"""Header matching that generalises: real CRM/PRM export spellings, run-together and API
headers, aliases with qualifiers, abbreviations, close spellings, ties, company facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tierwise.io import headers, tokens
from tierwise.scoring.rubric import load_rubric

INDEX = headers.alias_index(load_rubric().aliases)
CORPUS = Path(__file__).parent / "data" / "crm_headers.tsv"


def _corpus() -> list[tuple[str, str | None, str]]:
    rows = []
    for line in CORPUS.read_text("utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        header, field, source = line.split("\t")
        rows.append((header, None if field == "-" else field, source))
    return rows


def test_the_corpus_holds_at_least_thirty_spellings_with_sources() -> None:
    rows = _corpus()
    assert len(rows) >= 30
    assert all(source.split()[0] in ("SF", "HS", "D365", "ODOO", "PRM") for *_, source in rows)


@pytest.mark.parametrize(("header", "field", "source"), _corpus())
def test_crm_export_headers_map_as_a_partnerships_person_would(
    header: str, field: str | None, source: str
) -> None:
    assert headers.field_of(header, INDEX) == field, source


@pytest.mark.parametrize(
    ("header", "field"),
    [
        # run together or in API form
        ("ExecSponsor", "exec_sponsor"),
        ("partner_manager", "owner"),
        ("LastTouchDate", "last_activity"),
        ("Joint_Pipeline__c", "pipeline"),
        # an alias plus generic or abbreviated words
        ("Distributor Name", "partner"),
        ("Name of Partner", "partner"),
        ("Partner Organization", "partner"),
        ("Partner (Company)", "partner"),
        ("Organisation Official Name", "partner"),
        ("Remarks & Next Steps", "notes"),
        ("Time to Close w/ Partner (days)", "cycle_days"),
        ("Bookings (YTD)", "closed_revenue"),
        ("Pipe ($)", "pipeline"),
        ("Joint Revenue Target FY26 ($k)", "revenue_target"),
        ("Exec. Sponsor Name", "exec_sponsor"),
        ("No. of Certs", "certifications"),
        ("Acct Mgr", "owner"),
        ("Mkt Segment", "target_market"),
        # missing synonyms
        ("Industry Vertical", "target_market"),
        ("Sub Sector", "target_market"),
        ("Opportunity Amount", "pipeline"),
        ("Partner Program", "initiative"),
        ("Co-Sell Motion", "initiative"),
        # close spellings
        ("Parnter Name", "partner"),
        ("Certifcations", "certifications"),
        ("Exec Sponser", "exec_sponsor"),
    ],
)
def test_kinds_of_real_headers_map(header: str, field: str) -> None:
    assert headers.field_of(header, INDEX) == field


@pytest.mark.parametrize(
    "header",
    ["Partner ID", "Region", "Website", "Deal Stage", "Partner No", "HQ Country", "Phone"],
)
def test_headers_naming_no_field_stay_unmapped(header: str) -> None:
    assert headers.field_of(header, INDEX) is None


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("FTE allocated", "fte"),
        ("Integrations built", "integrations"),
        ("MDF spent", "budget"),
        ("Prog.", "initiative"),
        ("Certified ppl", "certifications"),
        ("Started", "start_date"),
    ],
)
def test_an_alias_plus_one_word_no_field_owns_is_a_partial_match(header: str, field: str) -> None:
    assert headers.field_of(header, INDEX) == field


@pytest.mark.parametrize(
    "header",
    # contact details, a changed or earlier figure, and two fields' words at once
    ["Owner Email", "Company Website", "Tier Change", "Previous Owner", "Pipeline Target"],
)
def test_a_partial_match_never_takes_a_header_about_something_else(header: str) -> None:
    assert INDEX.match(header).confidence != headers.PARTIAL


def test_how_each_match_was_made_is_ranked() -> None:
    assert INDEX.match("Partner Name").confidence == headers.EXACT
    assert INDEX.match("NamePartner").confidence == headers.TOKEN
    assert INDEX.match("Company Legal Name").confidence == headers.CONTAINED
    assert INDEX.match("Parnter Name").confidence == headers.SPELLING
    assert INDEX.match("FTE allocated").confidence == headers.PARTIAL


@pytest.mark.parametrize(
    "header", ["Revenue", "Annual Revenue", "Revenue (FY25)", "Employees", "Company Size"]
)
def test_company_facts_stay_unmapped_with_a_reason(header: str) -> None:
    found = INDEX.match(header)
    assert found.field is None
    assert "not the partnership" in found.reason and header in found.reason


def test_revenue_needs_a_relationship_word_to_be_closed_revenue() -> None:
    assert headers.field_of("Partner Revenue", INDEX) == "closed_revenue"
    assert headers.field_of("Revenue Won (QTD)", INDEX) == "closed_revenue"
    assert headers.field_of("Revenue Closed With Us", INDEX) == "closed_revenue"
    assert headers.field_of("Revenue Booked (FY25)", INDEX) == "closed_revenue"
    assert INDEX.match("Annual Recurring Revenue").field is None


def test_a_user_alias_is_their_say_so_even_for_bare_revenue() -> None:
    aliases = load_rubric().aliases
    aliases["closed_revenue"] = [*aliases["closed_revenue"], "revenue"]
    assert headers.field_of("Revenue", headers.alias_index(aliases)) == "closed_revenue"


def test_two_fields_matching_equally_is_a_tie_reported_not_guessed() -> None:
    # Whose objective: ours, or the partner's? Both fields' aliases explain the header.
    found = INDEX.match("Partner & Our Objective")
    assert found.field is None and set(found.tied) == {"objective", "partner_agenda"}
    mapped = headers.map_headers(["Partner", "Partner & Our Objective"], INDEX)
    assert "Partner & Our Objective" in mapped.unmapped
    assert any("could be objective or partner_agenda" in n for n in mapped.notes)


def test_one_field_one_column_the_stronger_match_wins_wherever_it_stands() -> None:
    mapped = headers.map_headers(["Company Legal Name", "Partner Name"], INDEX)
    assert mapped.mapping == {"Partner Name": "partner"}
    assert any("'Company Legal Name' also looks like partner" in n for n in mapped.notes)


def test_tokens_fold_case_plurals_abbreviations_and_bracketed_units() -> None:
    assert tokens.tokens("Won Rev (QTD)") == {"won", "revenue"}
    assert tokens.tokens("AccountOwner") == tokens.tokens("account_owners")
    assert tokens.tokens("Partner_Tier__c") == {"partner", "tier"}
    assert tokens.tokens("Pipe Value ($k)") == {"pipeline", "value"}


@pytest.mark.parametrize(
    ("header", "scale"),
    [
        ("Target ($k)", 1e3),
        ("Joint Bookings Goal (k$)", 1e3),
        ("Pipeline (000s)", 1e3),
        ("Revenue, in thousands", 1e3),
        ("Pipeline (USD '000)", 1e3),
        ("Closed Revenue ($M)", 1e6),
        ("Bookings EUR m", 1e6),
        ("Pipeline (in millions)", 1e6),
        ("Pipeline ($)", 1.0),
        ("MDF Budget", 1.0),
    ],
)
def test_money_scale_is_read_from_the_header(header: str, scale: float) -> None:
    assert tokens.money_scale(header) == scale
