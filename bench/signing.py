"""Signing at scale: N residents sign one petition at the same moment on PostgreSQL.

Each signer is one message through the storage service, as the chat makes it: the inbox row,
the resident's conversation locked, the signature, the petition's card read back (the progress
bar), the new state committed. The petition needs exactly N signatures, so the last one crosses
the threshold and every signer must be notified once. Each side runs in a child process on a
fresh database of its own (created on the server, dropped afterwards); `--before REV` also runs
the same burst on the code of that commit, from a temporary clone, for comparison.

    .venv/bin/python -m bench.signing [--signers 10000] [--before main]
                                      [--database postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/signing.py`: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import json
import secrets
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from statistics import quantiles
from time import perf_counter
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgresql://postgres@127.0.0.1:5432/test"
# A child that has not finished by then is stopped: the bench is bounded in time.
CHILD_SECONDS = 600


@dataclass
class Burst:
    label: str
    signers: int
    threshold: int
    signed: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    tx_p50_ms: float = 0.0
    tx_p99_ms: float = 0.0
    counted: int = 0
    rows: int = 0
    notified: int = 0
    errors: dict[str, int] = field(default_factory=dict)


# --- the child: one burst on one version of the code -------------------------------------------


async def burst(url: str, signers: int, threshold: int, label: str) -> Burst:
    from bench.engine import _fresh_database
    from conversations.kit import Address
    from conversations.petition import Life, Outcome
    from storage import petitions
    from storage.database import Database
    from storage.gazetteer import Gazetteer
    from storage.store import SqlStore
    from storage.vault import Vault

    async with _fresh_database(url) as fresh:
        db = Database.open(fresh)
        try:
            await db.upgrade()
            vault = Vault(secrets.token_urlsafe(48))
            store = SqlStore(db, Gazetteer.load(), vault)
            now = datetime.now(UTC)
            new = petitions.NewPetition(
                "141.01.61", "Bench", "A burst of signatures", "Text.", "Requests.", "Rep.",
                threshold, (now + timedelta(days=30)).date(),
            )  # fmt: skip
            async with db.transaction() as tx:
                code = await tx.run(petitions.create, new, "bench", now)
                await tx.run(petitions.move, code, Life.OPEN, "", "bench", now)
                await tx.run(_residents, signers, now - timedelta(days=90))
            # Sealing is the chat's work before the signature: done before the clock starts.
            sealed = [vault.seal(f"AB{100000 + i}") for i in range(signers)]
            waited: list[float] = []
            held: list[float] = []
            errors: Counter[str] = Counter()

            async def sign(i: int, start: float) -> None:
                try:
                    async with store.unit(Address("console", f"s{i}")) as unit:
                        began = perf_counter()
                        state = await unit.open(f"m{i}")
                        assert state is not None
                        signing = await unit.services.sign_petition(code, f"S {i}", sealed[i])
                        if signing.outcome is not Outcome.SIGNED:
                            raise RuntimeError(f"signer {i}: {signing.outcome}")
                        await unit.services.petition(code)
                        await unit.save(state)
                    ended = perf_counter()
                except Exception as error:  # a pool timeout, a deadlock: counted, not hidden
                    errors[type(error).__name__] += 1
                    return
                waited.append(ended - start)
                held.append(ended - began)

            start = perf_counter()
            await asyncio.gather(*(sign(i, start) for i in range(signers)))
            seconds = perf_counter() - start

            async with db.transaction() as tx:
                counted, rows, notified, per_signer = await tx.run(_outcome, code)
            assert per_signer <= 1, "a signer was notified twice"
            assert counted == rows == len(waited), (counted, rows, len(waited))
            if rows >= threshold:
                # Every signer up to the crossing, and any who signed before seeing it.
                assert threshold <= notified <= rows, f"{notified} notices for {rows} signers"
            if threshold == signers == rows:
                assert notified == rows, f"{notified} threshold notices for {rows} signers"
        finally:
            await db.close()
    ms = [1000 * s for s in sorted(waited)] or [0.0]
    tx_ms = [1000 * s for s in sorted(held)] or [0.0]
    return Burst(
        label, signers, threshold, len(waited), seconds, _pct(ms, 50), _pct(ms, 99),
        _pct(tx_ms, 50), _pct(tx_ms, 99), counted, rows, notified, dict(errors),
    )  # fmt: skip


def _pct(values: list[float], p: int) -> float:
    return values[0] if len(values) < 2 else quantiles(values, n=100)[p - 1]


def _residents(conn: Any, signers: int, since: datetime) -> None:
    """Established residents of the commune, each with an empty conversation."""
    from sqlalchemy import insert, select

    from storage.models import CONVERSATION, RESIDENT

    conn.execute(
        insert(RESIDENT),
        [
            {"channel": "console", "user_id": f"s{i}", "language": "fr", "consent_version": "1",
             "commune_code": "141.01.61", "pushes_enabled": True, "created_at": since}
            for i in range(signers)
        ],
    )  # fmt: skip
    ids = conn.execute(select(RESIDENT.c.id)).scalars().all()
    conn.execute(
        insert(CONVERSATION),
        [
            {"resident_id": rid, "data": "{}", "offered": "[]", "prompt": "[]", "version": 0,
             "updated_at": since}
            for rid in ids
        ],
    )  # fmt: skip


def _outcome(conn: Any, code: str) -> tuple[int, int, int, int]:
    """The count every reader shows, the signature rows, threshold notices, most per signer."""
    from sqlalchemy import func, select

    from storage import petitions
    from storage.models import DELIVERY, SIGNATURE

    card = petitions.card(conn, code, 0)
    assert card is not None
    rows = conn.execute(select(func.count()).select_from(SIGNATURE)).scalar_one()
    notices = (
        select(DELIVERY.c.resident_id, func.count().label("n"))
        .where(DELIVERY.c.message_key.like("petition-event:%"))
        .group_by(DELIVERY.c.resident_id)
        .subquery()
    )
    notified, most = conn.execute(
        select(func.count(), func.coalesce(func.max(notices.c.n), 0)).select_from(notices)
    ).one()
    return card.signatures, int(rows), int(notified), int(most)


# --- the parent: each side in a child, then the table ------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.signing", description=__doc__)
    parser.add_argument("--signers", type=int, default=10_000)
    parser.add_argument(
        "--threshold", type=int, help="signatures the petition needs (default: --signers, so the "
        "last one crosses it and every signer is notified)",
    )  # fmt: skip
    parser.add_argument("--database", default=SERVER, help="a PostgreSQL server to make DBs on")
    parser.add_argument("--before", metavar="REV", help="also run the code of this commit")
    parser.add_argument("--label", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.signers <= 20_000:
        parser.error("--signers: 1 to 20,000")

    threshold = args.threshold or args.signers
    if args.label:  # a child: one burst, answered in JSON on the last line of stdout
        result = asyncio.run(burst(args.database, args.signers, threshold, args.label))
        print(json.dumps(asdict(result)))
        return 0

    common = ["--signers", str(args.signers), "--threshold", str(threshold)]
    common += ["--database", args.database]
    results = []
    if args.before:
        results.append(_before(args.before, common))
    results.append(_child(ROOT, "this tree", common))
    print(_table(results))
    return 1 if any(r.errors for r in results if r.label == "this tree") else 0


def _child(root: Path, label: str, common: list[str]) -> Burst:
    command = [sys.executable, "-m", "bench.signing", "--label", label, *common]
    done = subprocess.run(
        command, cwd=root, stdout=subprocess.PIPE, text=True, check=True, timeout=CHILD_SECONDS
    )
    return Burst(**json.loads(done.stdout.strip().splitlines()[-1]))


def _before(rev: str, common: list[str]) -> Burst:
    """The same burst on the code of ``rev``, checked out in a temporary clone; this bench file
    is copied in, so both sides run the same measurement."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="hayna-before-") as tmp:
        clone = Path(tmp) / "hayna"
        subprocess.run(["git", "clone", "-q", "--shared", str(ROOT), str(clone)], check=True)
        subprocess.run(["git", "-C", str(clone), "checkout", "-q", commit], check=True)
        shutil.copy(Path(__file__), clone / "bench" / "signing.py")
        return _child(clone, f"before ({rev} {commit})", common)


def _table(results: list[Burst]) -> str:
    head = (
        f"{'code':<22}{'signers':>8}{'needed':>8}{'signed':>8}{'total s':>9}{'sig/s':>8}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'tx p50':>8}{'tx p99':>8}{'count':>7}{'notices':>8}  errors"
    )
    lines = [head]
    for r in results:
        errors = ", ".join(f"{n} {kind}" for kind, n in r.errors.items()) or "none"
        lines.append(
            f"{r.label:<22}{r.signers:>8,}{r.threshold:>8,}{r.signed:>8,}{r.seconds:>9.1f}"
            f"{r.signed / r.seconds:>8,.0f}{r.p50_ms:>9,.0f}{r.p99_ms:>9,.0f}"
            f"{r.tx_p50_ms:>8.1f}{r.tx_p99_ms:>8.1f}{r.counted:>7,}{r.notified:>8,}  {errors}"
        )
    lines += [
        "",
        "needed: the petition's threshold. All signers start at once; p50/p99: from that moment",
        "to the signer's commit (waiting for one of the pool's 20 connections included); tx",
        "p50/p99: from the connection to the end (the check after the commit included).",
        "count: what the card shows afterwards (asserted equal to the signature rows and to the",
        "signers who succeeded); notices: signers told the threshold was crossed (once each).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
