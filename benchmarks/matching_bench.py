"""How long the scoring takes to rank an organisation's mentors for one family
(`bot/services/matching.rank`, pure Python, no database).

    .venv/bin/python benchmarks/matching_bench.py [--mentors 5000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from bot.services.matching import FamilyFacts, MentorFacts, rank
from storage.match_life import ALL_SLOTS, Topic

LANGS = ["ar", "es", "ca", "uk", "fa", "ti", "fr", "en", "ru", "ps"]
AREAS = ["Raval", "Gràcia", "Sants", "Poble-sec", "Sant Andreu", "Nou Barris"]


def mentors(n: int, rng: random.Random) -> list[MentorFacts]:
    topics = [t.value for t in Topic]
    out = []
    for i in range(n):
        capacity = rng.randint(1, 3)
        out.append(
            MentorFacts(
                id=i + 1,
                languages={c: rng.randint(1, 3) for c in rng.sample(LANGS, rng.randint(1, 3))},
                area=rng.choice(AREAS),
                availability=frozenset(rng.sample(ALL_SLOTS, rng.randint(0, 6))),
                skills=frozenset(rng.sample(topics, rng.randint(0, 4))),
                capacity=capacity,
                load=rng.randint(0, capacity),
                gender=rng.choice([None, "female", "male"]),
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentors", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(22)
    pool = mentors(args.mentors, rng)
    family = FamilyFacts(
        languages={"ar": 3, "es": 1},
        area="Raval",
        needs=frozenset({"paperwork", "school"}),
        availability=frozenset({"tue:eve", "sat:am"}),
        preferences={"mentor_gender": "female"},
    )
    took = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        proposed, _left = rank(pool, family)
        took.append(time.perf_counter() - start)
    print(
        f"{args.mentors} mentors: median {statistics.median(took) * 1000:.1f} ms, "
        f"max {max(took) * 1000:.1f} ms per ranking ({len(proposed)} proposed)"
    )


if __name__ == "__main__":
    main()
