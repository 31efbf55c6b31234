"""A consultation's results on a large commune: N answer sets to six questions (one choice,
several choices, a scale, a ranking of three, a free text, yes/no) stored on SQLite, then
`storage.consultations.results` computed, which counts in the database by grouped queries.

Printed per size: the answer rows stored, the time to compute the results (best and worst of
the runs) and the peak memory Python allocated meanwhile: flat from one size to the next, since
no answer row is read into Python (the free texts listed are capped). Goal: under 2 s for
100,000 answer sets.

    .venv/bin/python -m bench.consultation [--sets 10000 100000] [--runs 3] [--database URL]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/consultation.py`: the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import random
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select

from bench.engine import _fresh_database
from conversations.consultation import ConsultationDraft, Question, QuestionKind
from storage import consultations
from storage.database import Database
from storage.models import ANSWER, ANSWER_SET, CONSULTATION_QUESTION, RESIDENT

GOAL_S = 2.0
CHUNK = 5_000
COMMUNE = "001.01.01"
PRIORITIES = tuple({"fr": name} for name in ("Éclairage", "Transport", "Eau", "Sport", "Culture"))
QUESTIONS = (
    Question(QuestionKind.ONE, {"fr": "Le plus urgent ?"}, PRIORITIES),
    Question(QuestionKind.SEVERAL, {"fr": "Lesquels ?"}, PRIORITIES, most=3),
    Question(QuestionKind.SCALE, {"fr": "Satisfaction ?"}),
    Question(QuestionKind.RANK, {"fr": "Trois priorités"}, PRIORITIES),
    Question(QuestionKind.TEXT, {"fr": "Autre chose ?"}, optional=True),
    Question(QuestionKind.YES_NO, {"fr": "Viendrez-vous ?"}),
)


def _answers(set_id: int, ids: list[int], rng: random.Random) -> list[dict[str, Any]]:
    """One set's answer rows, as storage.consultations writes them."""
    base = {"answer_set_id": set_id, "hidden": False, "skipped": False, "text": None}
    one, several, scale, rank, text, yes = ids
    chosen = rng.sample(range(5), 3)
    rows = [
        {**base, "question_id": one, "option": rng.randrange(5), "value": None},
        *({**base, "question_id": several, "option": o, "value": None} for o in chosen[:2]),
        {**base, "question_id": scale, "option": None, "value": rng.randint(1, 5)},
        *({**base, "question_id": rank, "option": o, "value": r} for r, o in enumerate(chosen)),
        {**base, "question_id": yes, "option": rng.randrange(2), "value": None},
    ]
    if rng.random() < 0.1:
        rows.append({**base, "question_id": text, "option": None, "value": None,
                     "text": "Un banc devant l'école, s'il vous plaît."})  # fmt: skip
    return rows


def _seed(conn: Connection, made: int, sets: int, now: datetime) -> int:
    """``sets`` residents who each answered; the answer rows stored."""
    rng = random.Random(7)
    ids = list(
        conn.execute(
            select(CONSULTATION_QUESTION.c.id)
            .where(CONSULTATION_QUESTION.c.consultation_id == made)
            .order_by(CONSULTATION_QUESTION.c.position)
        ).scalars()
    )
    first = conn.execute(select(func.coalesce(func.max(ANSWER_SET.c.id), 0))).scalar_one() + 1
    stored = 0
    for start in range(0, sets, CHUNK):
        span = range(start, min(start + CHUNK, sets))
        conn.execute(
            insert(RESIDENT),
            [{"channel": "console", "user_id": f"b{made}-{i}", "created_at": now} for i in span],
        )
        conn.execute(
            insert(ANSWER_SET),
            [{"id": first + i, "consultation_id": made, "resident_id": None,
              "commune_code": COMMUNE, "started_at": now, "updated_at": now,
              "completed_at": now + timedelta(minutes=i % 600)} for i in span],
        )  # fmt: skip
        rows = [row for i in span for row in _answers(first + i, ids, rng)]
        conn.execute(insert(ANSWER), rows)
        stored += len(rows)
    return stored


async def _one(db: Database, sets: int, runs: int) -> tuple[int, float, float, float]:
    now = datetime.now(UTC)
    draft = ConsultationDraft(
        COMMUNE,
        "Association Nour",
        {"fr": "Priorités"},
        {"fr": "Le budget"},
        now,
        now + timedelta(days=7),
        QUESTIONS,
    )
    async with db.transaction() as tx:
        made = await tx.run(consultations.create, draft, "bench", now)
        await tx.run(consultations.publish, made, now)
        stored = await tx.run(_seed, made, sets, now)
    times, peak = [], 0
    for _ in range(runs):
        tracemalloc.start()
        started = time.perf_counter()
        async with db.transaction() as tx:
            found = await tx.run(consultations.results, made)
        times.append(time.perf_counter() - started)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert found.questions[0].answered == sets, found.questions[0]
    return stored, min(times), max(times), peak / 1e6


async def main(sizes: list[int], runs: int, url: str | None) -> int:
    with tempfile.TemporaryDirectory() as folder:
        async with _fresh_database(url or f"sqlite:///{folder}/bench.db") as fresh:
            db = Database.open(fresh)
            await db.upgrade()
            print("| answer sets | answer rows | results, best | worst | peak memory |")
            print("|---:|---:|---:|---:|---:|")
            worst = 0.0
            try:
                for sets in sizes:
                    stored, best, slowest, mb = await _one(db, sets, runs)
                    worst = max(worst, slowest) if sets >= 100_000 else worst
                    print(
                        f"| {sets:,} | {stored:,} | {best:.2f} s | {slowest:.2f} s | {mb:.1f} MB |"
                    )
            finally:
                await db.close()
    met = "met" if worst < GOAL_S else "NOT met"
    print(f"goal: results for 100,000 answer sets under {GOAL_S:.0f} s: {met}")
    return 0 if worst < GOAL_S else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", help="a PostgreSQL URL (default: a fresh SQLite file)")
    parsed = parser.parse_args()
    sys.exit(asyncio.run(main(parsed.sets, parsed.runs, parsed.database)))
