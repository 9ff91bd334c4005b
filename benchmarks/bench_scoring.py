"""How long scoring takes once the partners are in a DataFrame (no Excel involved).

    python benchmarks/bench_scoring.py                  # 100,000 partners, 7 runs
    python benchmarks/bench_scoring.py --size 10000 --runs 5

Builds a deterministic tracker frame typed like the reader's (every canonical field,
blanks, unknown labels, vague and specific text), scores it with the default rubric,
and prints the median wall-clock time of `score` (plus `portfolio_after` with a
decision on every tenth partner). Record results in benchmarks/RESULTS-scoring.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from datetime import date, timedelta

import polars as pl

from tierwise.fields import tracker_schema
from tierwise.scoring import load_rubric, portfolio_after, score

AS_OF = date(2026, 10, 31)
SEED = 20261031


def tracker_frame(n: int, seed: int = SEED) -> pl.DataFrame:
    """`n` partners with every canonical field, typed as tierwise.fields says."""
    rnd = random.Random(seed)

    def maybe(value, blank: float = 0.15):
        return None if rnd.random() < blank else value

    def pick(options, blank: float = 0.1):
        return maybe(rnd.choice(options), blank)

    def day(lo: int, hi: int):
        return maybe(AS_OF - timedelta(days=rnd.randint(lo, hi)))

    labels = ["Strategic", "Platinum", "Gold", "Silver", "Bronze", "Registered", "Referral", "X"]
    markets = ["UK retail", "DACH manufacturing", "US banks", "Global", "All", "TBD", ""]
    objectives = [
        "Win 20 logos in UK retail by Q4",
        "Strategic alliance to leverage synergies",
        "Shorten cycle to 60 days in banking",
        "Explore opportunities together",
        "Access new customers in the Nordics",
    ]
    rows = []
    for i in range(n):
        target = maybe(rnd.choice([0, 2e5, 1e6, 5e6, 2e8]))
        rows.append(
            {
                "row": i + 4,
                "partner": f"Partner {i}",
                "partner_type": pick(["isv", "integrator", "consultancy", "reseller", "msp"]),
                "designated_tier": pick(labels),
                "initiative": pick([f"Initiative {k}" for k in range(12)], 0.2),
                "target_market": pick(markets),
                "market_need": pick(["Claims triage in 24h", "Better serve the market"]),
                "objective": pick(objectives),
                "partner_agenda": pick(["Sell services", "Get listed", "TBD"], 0.3),
                "revenue_target": target,
                "pipeline": maybe(rnd.uniform(0, 3e6)),
                "closed_revenue": maybe(rnd.uniform(0, 2e6)),
                "deals_won": maybe(float(rnd.randint(0, 20))),
                "new_logos": maybe(float(rnd.randint(0, 25))),
                "sourced_share": maybe(rnd.uniform(0, 80)),
                "new_markets": maybe(float(rnd.randint(0, 4))),
                "share_gain": maybe(rnd.uniform(-5, 15)),
                "cycle_days": maybe(float(rnd.randint(30, 200))),
                "baseline_cycle_days": maybe(150.0),
                "integrations": maybe(float(rnd.randint(0, 8))),
                "certifications": maybe(float(rnd.randint(0, 30))),
                "marketplace": maybe(rnd.random() < 0.3),
                "exec_sponsor": pick(["CRO", "CEO", "VP Sales", None]),
                "origin": pick(["CEO lunch", "Field referral", "Inbound"]),
                "announced": maybe(rnd.random() < 0.2),
                "announced_on": day(0, 700),
                "agreement_date": day(0, 1500),
                "start_date": day(0, 1500),
                "last_activity": day(0, 400),
                "fte": maybe(rnd.choice([0.0, 0.1, 0.5, 1.0, 2.0])),
                "budget": maybe(rnd.choice([0.0, 5e3, 25e3, 1e5])),
                "owner": pick(["Dana", "Lee", "Sam"]),
                "owner_team": pick(["Field", "Alliances", "Channel"]),
                "notes": pick(["", "call back", "renewal due"]),
            }
        )
    schema = tracker_schema()
    return pl.DataFrame(rows, schema={k: schema[k] for k in rows[0]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    frame = tracker_frame(args.size)
    rubric = load_rubric()
    decisions = frame.select(
        "row",
        decision=pl.when(pl.col("row") % 10 == 0).then(pl.lit("casual")),
        decision_note=pl.lit(None, pl.String),
    )
    score(frame.head(1000), rubric, as_of=AS_OF)  # warm up: regex and plan caches

    timings, cpu, after = [], [], []
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = score(frame, rubric, as_of=AS_OF)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        start = time.perf_counter()
        portfolio_after(result, decisions, rubric)
        after.append(time.perf_counter() - start)

    print(f"partners:        {args.size:,}")
    print(f"runs:            {args.runs}")
    print(f"score median:    {statistics.median(timings):.3f} s  (min {min(timings):.3f} s)")
    print(f"score CPU time:  {statistics.median(cpu):.3f} s median (all threads)")
    print(f"portfolio_after: {statistics.median(after):.3f} s median")
    print(f"flagged:         {(result.partners['flags'].list.len() > 0).sum():,}")
    print(f"load average:    {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min)")
    print(
        f"machine:         {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, polars {pl.__version__}"
    )


if __name__ == "__main__":
    main()
