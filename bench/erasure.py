"""How long one erasure takes in a populated database: the message's transaction holds it.

A commune of residents, each with a conversation (some showing the erased resident's report in
their last question), a few broadcasts delivered to all of them and one the erased organizer
wrote; then `storage.rights.erase` of that resident, timed, in one transaction.

    .venv/bin/python -m bench.erasure [--residents 20000] [--database URL] [--no-update]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/erasure.py`: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from bench.engine import _fresh_database
from conversations.kit import Address
from storage import groups, rights
from storage.database import Database
from storage.deliveries import Priority
from storage.models import ANNOUNCEMENT, CONVERSATION, DELIVERY, REPORT, RESIDENT
from storage.subject import Subject

# Her words, as the erasure test types them; and what an ordinary question looks like.
HERS = "Derb Sultan, Amina Alaoui, 0677889900, 06 77 88 99 00, CIN ZK 445 566"
PROMPT = "Petitions open in your commune: choose one. " * 8
BROADCASTS = 3
# One resident in a hundred last saw her report.
SHOWING = 100
CHUNK = 5000


def _seed(conn: Connection, residents: int, wrote_update: bool, now: datetime) -> int:
    def rows(make: Any, count: int) -> None:
        for start in range(0, count, CHUNK):
            conn.execute(*make(range(start, min(start + CHUNK, count))))

    rows(
        lambda ids: (
            insert(RESIDENT),
            [{"channel": "whatsapp", "user_id": f"+2126{i:08d}", "created_at": now} for i in ids],
        ),
        residents,
    )
    first = conn.execute(select(func.min(RESIDENT.c.id))).scalar_one()
    amina = first  # the first resident is the one erased
    report_id = conn.execute(
        insert(REPORT).values(
            ref="R-2026-000001",
            resident_id=amina,
            commune_code="1",
            category="other",
            other_label=HERS[:60],
            place=HERS,
            place_key=HERS.lower(),
            description=HERS,
            status="received",
            created_at=now,
            updated_at=now,
        )
    ).inserted_primary_key[0]
    assert report_id is not None

    def prompt(i: int) -> str:
        shown = f"R-2026-000001: Other: {HERS}" if i % SHOWING == 0 else PROMPT
        return json.dumps([{"text": shown, "options": []}], ensure_ascii=False)

    rows(
        lambda ids: (
            insert(CONVERSATION),
            [
                {
                    "resident_id": first + i,
                    "data": "{}",
                    "offered": "[]",
                    "prompt": prompt(i),
                    "version": 1,
                    "updated_at": now,
                }
                for i in ids
            ],
        ),
        residents,
    )
    authors = ["admin"] * BROADCASTS
    if wrote_update:
        authors.append(groups.organizer_label("whatsapp", amina))
    for author in authors:
        text = HERS if author != "admin" else PROMPT
        body = json.dumps({"t": "bylocale", "values": [["fr", text]], "default": text})
        announcement = conn.execute(
            insert(ANNOUNCEMENT).values(
                kind="broadcast",
                body=body,
                commune_code="1",
                group_ids="",
                due_at=now,
                status="done",
                cursor=0,
                recipients=residents,
                created_by=author,
                created_at=now,
            )
        ).inserted_primary_key[0]
        rows(
            lambda ids, a=announcement, b=body: (
                insert(DELIVERY),
                [
                    {
                        "message_key": f"announcement:{a}",
                        "resident_id": first + i,
                        "channel": "whatsapp",
                        "priority": Priority.BULK,
                        "body": b,
                        "status": "sent",
                        "attempts": 1,
                        "next_attempt_at": now,
                        "created_at": now,
                    }
                    for i in ids
                ],
            ),
            residents,
        )
    return int(amina)


async def run(residents: int, database: str | None, wrote_update: bool) -> dict[str, Any]:
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="hayna-bench-") as tmp:
        async with _fresh_database(database or f"sqlite:///{tmp}/bench.db") as url:
            db = Database.open(url)
            await db.upgrade()
            async with db.transaction() as tx:
                amina = await tx.run(_seed, residents, wrote_update, now)
            who = Subject(amina, Address("whatsapp", "+212600000000"))
            started = time.perf_counter()
            async with db.transaction() as tx:
                await tx.run(rights.erase, who, now)
            took = time.perf_counter() - started
            async with db.transaction() as tx:
                left = await tx.run(
                    lambda c: c.execute(
                        select(func.count())
                        .select_from(DELIVERY)
                        .where(DELIVERY.c.body.contains("0677889900"))
                    ).scalar_one()
                )
            await db.close()
    return {
        "database": "postgresql" if database else "sqlite",
        "residents": residents,
        "deliveries": residents * (BROADCASTS + wrote_update),
        "she_wrote_an_update": wrote_update,
        "conversations_showing_her_report": residents // SHOWING,
        "erasure_ms": round(took * 1000),
        "deliveries_still_holding_her_number": left,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--database", help="a PostgreSQL URL; SQLite in a temporary file if absent")
    parser.add_argument(
        "--no-update", action="store_true", help="the erased resident wrote no update"
    )
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.residents, args.database, not args.no_update))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
