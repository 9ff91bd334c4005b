"""The company's strategy before partner selection (docs/PLAYBOOK.md section 4): the one
strategic initiative, the tactical initiatives and the dominance markets, as declared in
the rubric's `[strategy]` (or the tracker's "Strategy" sheet), else proposed."""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from tierwise.scoring.rubric import Rubric
from tierwise.scoring.words import and_join, fmt_money

DECLARE = "declare it in the rubric or on the Strategy sheet"


def key(text: str | None) -> str:
    """Initiative names compare case- and space-insensitively."""
    return " ".join((text or "").lower().split())


def initiative_key(column: pl.Expr) -> pl.Expr:
    """`key` as a polars expression."""
    return column.str.to_lowercase().str.strip_chars().str.replace_all(r"\s+", " ")


@dataclass(frozen=True)
class Strategy:
    """What the recommendation follows. `declared` False: Tierwise proposed the
    strategic initiative (`detail` says from what); `tactical_declared` likewise."""

    strategic_initiative: str | None = None
    declared: bool = False
    tactical_initiatives: tuple[str, ...] = ()
    tactical_declared: bool = False
    dominance_markets: tuple[str, ...] = ()
    detail: str = ""

    def to_json(self) -> dict:
        return {
            "strategic_initiative": self.strategic_initiative,
            "declared": self.declared,
            "tactical_initiatives": list(self.tactical_initiatives),
            "tactical_declared": self.tactical_declared,
            "dominance_markets": list(self.dominance_markets),
            "detail": self.detail,
        }

    def with_tactical(self, names: list[str]) -> Strategy:
        """This strategy with the tactical initiatives the recommendation chose."""
        if self.tactical_declared:
            return self
        return replace(self, tactical_initiatives=tuple(names))

    @classmethod
    def of(cls, rubric: Rubric, partners: pl.DataFrame, present: frozenset[str]) -> Strategy:
        """The declared strategy, or the proposed strategic initiative: that of the
        designated strategic partners unless even their best case is under the strategic
        bar, else the initiative whose eligible partners bring the most business."""
        declared = rubric.get("strategy")
        name = " ".join(str(declared["strategic_initiative"]).split())
        tactical = tuple(t.strip() for t in declared["tactical_initiatives"] if t.strip())
        markets = tuple(m.strip() for m in declared["dominance_markets"] if m.strip())
        base = cls(None, False, tactical, bool(tactical), markets)
        if name:
            detail = "declared"
            if "initiative" in present:
                on_it = partners.filter(initiative_key(pl.col("initiative")) == key(name))
                if not on_it.height:
                    detail = "declared; no partner in the tracker is on it yet"
            return replace(base, strategic_initiative=name, declared=True, detail=detail)
        if "initiative" not in present:
            return replace(base, detail="not assessed: the tracker records no initiative")
        bar = float(rubric.get("recommend.strategic_min_score"))
        eligible = strategic_candidates(rubric, partners, present).filter(
            pl.col("initiative").is_not_null()
        )
        held = eligible.filter(
            (pl.col("tier") == "strategic").fill_null(False) & (pl.col("_score_high") >= bar)
        )
        pool, why = held, "the partners designated strategic"
        if not held.height:
            pool = eligible.filter(pl.col("score") >= bar)
            why = "the business its eligible partners bring"
        if not pool.height:
            return replace(
                base,
                detail=f"none proposed: no eligible partner clears the strategic bar; {DECLARE}",
            )
        business = (
            partners.filter(pl.col("_gtm") & pl.col("initiative").is_not_null())
            .group_by(initiative_key(pl.col("initiative")).alias("_key"))
            .agg(pl.col("_business").sum().alias("_total"))
        )
        ranked = (
            pool.with_columns(_key=initiative_key(pl.col("initiative")))
            .group_by("_key")
            .agg(pl.len().alias("_n"), pl.col("initiative").sort().first())
            .join(business, on="_key", how="left")
            .sort(["_n", "_total", "_key"], descending=[True, True, False], nulls_last=True)
        )
        top = ranked.row(0, named=True)
        total = fmt_money(top["_total"] or 0.0)
        detail = f"proposed from {why} ({total} closed and in pipeline): {DECLARE}"
        return replace(base, strategic_initiative=top["initiative"], detail=detail)

    @property
    def how(self) -> str:
        """ "declared" or "proposed"."""
        return "declared" if self.declared else "proposed"

    def words(self) -> str:
        """One line for the views: "Strategic initiative 'X': declared"."""
        if self.strategic_initiative is None:
            head = f"No strategic initiative: {self.detail}"
        else:
            head = f"Strategic initiative '{self.strategic_initiative}': {self.detail}"
        if self.tactical_initiatives:
            listed = and_join([f"'{t}'" for t in self.tactical_initiatives])
            how = "declared" if self.tactical_declared else "proposed"
            head += f"; tactical initiatives {listed} ({how})"
        if self.dominance_markets:
            head += f"; dominance markets {and_join(list(self.dominance_markets))}"
        return head


def strategic_candidates(
    rubric: Rubric, partners: pl.DataFrame, present: frozenset[str]
) -> pl.DataFrame:
    """Go-to-market partners of a strategic type that serve a motivation (WHY_BOTHER not
    fired), whatever their score or initiative."""
    frame = partners.filter(pl.col("_gtm") & ~pl.col("_why_bother"))
    if "partner_type" in present:
        frame = frame.filter(pl.col("partner_type").is_in(rubric.get("tiers.strategic_types")))
    return frame
