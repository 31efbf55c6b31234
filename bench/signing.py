"""Signing at scale: N residents sign one petition at the same moment on PostgreSQL.

Each signer is one message through the storage service, as the chat makes it: the inbox row,
the resident's conversation locked, the signature, the petition's card read back (the progress
bar), the new state committed. By default the petition needs exactly N signatures, so the last
one crosses the threshold and every signer must be notified once. Each side runs on a fresh
database of its own (created on the server, dropped afterwards), its signers shared among
`--processes` worker processes released at the same moment; `--before REV` also runs the same
burst on the code of that commit, from a temporary clone, for comparison.

    .venv/bin/python -m bench.signing [--signers 10000] [--threshold N] [--processes 1]
                                      [--before REV] [--database postgresql://…/test]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/signing.py`: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import json
import resource
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
    processes: int
    signed: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    tx_p50_ms: float = 0.0
    tx_p99_ms: float = 0.0
    cpu_ms: float = 0.0
    counted: int = 0
    rows: int = 0
    notified: int = 0
    errors: dict[str, int] = field(default_factory=dict)


# --- a side: one database, its workers, the outcome checked ------------------------------------


async def burst(url: str, signers: int, threshold: int, processes: int, label: str) -> Burst:
    """Prepare a fresh database, start ``processes`` workers that each sign their share of the
    signers, release them all at once, then check what every reader will show."""
    from bench.engine import _fresh_database
    from conversations.petition import PetitionLife
    from storage import petitions
    from storage.database import Database

    async with _fresh_database(url) as fresh:
        db = Database.open(fresh)
        try:
            await db.upgrade()
            now = datetime.now(UTC)
            new = petitions.NewPetition(
                "141.01.61", "Bench", "A burst of signatures", "Text.", "Requests.", "Rep.",
                threshold, (now + timedelta(days=30)).date(),
            )  # fmt: skip
            async with db.transaction() as tx:
                code = await tx.run(petitions.create, new, "bench", now)
                await tx.run(petitions.move, code, PetitionLife.OPEN, "", "bench", now)
                await tx.run(_residents, signers, now - timedelta(days=90))
            shares, seconds = await _workers(fresh, code, signers, processes)
            async with db.transaction() as tx:
                counted, rows, notified, per_signer = await tx.run(_outcome, code)
        finally:
            await db.close()
    waited = sorted(1000 * s for share in shares for s in share["waited"]) or [0.0]
    held = sorted(1000 * s for share in shares for s in share["held"]) or [0.0]
    errors: Counter[str] = Counter()
    for share in shares:
        errors.update(share["errors"])
    signed = sum(len(share["waited"]) for share in shares)
    cpu_ms = 1000 * sum(share["cpu"] for share in shares) / max(1, signed)
    assert per_signer <= 1, "a signer was notified twice"
    assert counted == rows == signed, (counted, rows, signed)
    if rows >= threshold:
        # Every signer up to the crossing, and any who signed before seeing it.
        assert threshold <= notified <= rows, f"{notified} notices for {rows} signers"
    if threshold == signers == rows:
        assert notified == rows, f"{notified} threshold notices for {rows} signers"
    return Burst(
        label, signers, threshold, processes, signed, seconds, _pct(waited, 50),
        _pct(waited, 99), _pct(held, 50), _pct(held, 99), cpu_ms, counted, rows, notified,
        dict(errors),
    )  # fmt: skip


async def _workers(url: str, code: str, signers: int, processes: int) -> tuple[list[Any], float]:
    """The workers, each told "go" once all are ready; their shares and the burst's time."""
    key = secrets.token_urlsafe(48)
    given = ["--signers", str(signers), "--database", url, "--code", code, f"--key={key}"]
    pipes = {"stdin": asyncio.subprocess.PIPE, "stdout": asyncio.subprocess.PIPE}
    started = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.signing", "--worker", f"{k}/{processes}", *given, **pipes
        )
        for k in range(processes)
    ]
    for worker in started:
        assert worker.stdout is not None
        assert (await worker.stdout.readline()).strip() == b"ready"
    start = perf_counter()
    for worker in started:
        assert worker.stdin is not None
        worker.stdin.write(b"go\n")
        await worker.stdin.drain()
    outputs = [await worker.communicate() for worker in started]
    seconds = perf_counter() - start
    return [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs], seconds


async def work(url: str, code: str, key: str, signers: int, mine: range) -> dict[str, Any]:
    """One worker: its signers, each one message through the storage service, all at once."""
    from conversations.kit import Address
    from conversations.petition import SigningOutcome
    from storage.database import Database
    from storage.gazetteer import Gazetteer
    from storage.store import SqlStore
    from storage.vault import Vault

    vault = Vault(key)
    db = Database.open(url)
    store = SqlStore(db, Gazetteer.load(), vault)
    # Sealing is the chat's work before the signature: done before the clock starts.
    sealed = {i: vault.seal(f"AB{100000 + i}") for i in mine}
    waited: list[float] = []
    held: list[float] = []
    errors: Counter[str] = Counter()

    async def sign(i: int, start: float) -> None:
        try:
            async with store.unit(Address("console", f"s{i}")) as unit:
                began = perf_counter()
                state = await unit.open(f"m{i}")
                assert state is not None
                signing = await unit.services.petitions.sign_petition(code, f"S {i}", sealed[i])
                if signing.outcome is not SigningOutcome.SIGNED:
                    raise RuntimeError(f"signer {i}: {signing.outcome}")
                await unit.services.petitions.petition(code)  # the card shown back, with its count
                await unit.save(state)
            ended = perf_counter()
        except Exception as error:  # a pool timeout, a deadlock: counted, not hidden
            errors[type(error).__name__] += 1
            return
        waited.append(ended - start)
        held.append(ended - began)

    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    start, cpu = perf_counter(), _cpu()
    await asyncio.gather(*(sign(i, start) for i in mine))
    cpu = _cpu() - cpu
    await db.close()
    return {"waited": waited, "held": held, "errors": dict(errors), "cpu": cpu}


def _cpu() -> float:
    """This process's CPU seconds so far (user and system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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
    parser.add_argument(
        "--processes", type=int, default=1, help="share the signers among N processes, each with "
        "its own pool, as several processes behind a load balancer would (default 1)",
    )  # fmt: skip
    parser.add_argument("--label", help=argparse.SUPPRESS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--code", help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.signers <= 20_000:
        parser.error("--signers: 1 to 20,000")
    if not 1 <= args.processes <= 8:
        parser.error("--processes: 1 to 8")

    if args.worker:  # one worker of a side: its share, answered in JSON on its last line
        k, n = (int(part) for part in args.worker.split("/"))
        mine = range(k, args.signers, n)
        print(json.dumps(asyncio.run(work(args.database, args.code, args.key, args.signers, mine))))
        return 0

    threshold = args.threshold or args.signers
    if args.label:  # a child: one burst, answered in JSON on the last line of stdout
        result = asyncio.run(
            burst(args.database, args.signers, threshold, args.processes, args.label)
        )
        print(json.dumps(asdict(result)))
        return 0

    common = ["--signers", str(args.signers), "--threshold", str(threshold)]
    common += ["--processes", str(args.processes)]
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
        named = commit if commit.startswith(rev) else f"{rev} {commit}"
        return _child(clone, f"before ({named})", common)


COLUMNS = (
    ("code", 24), ("signers", 8), ("needed", 8), ("procs", 6), ("signed", 8), ("total s", 8),
    ("sig/s", 7), ("p50 ms", 8), ("p99 ms", 8), ("tx p50", 8), ("tx p99", 8), ("cpu ms", 7),
    ("count", 7), ("notices", 8),
)  # fmt: skip


def _table(results: list[Burst]) -> str:
    def line(cells: list[str]) -> str:
        return "".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, (_, width)) in enumerate(zip(cells, COLUMNS, strict=True))
        )

    lines = [line([name for name, _ in COLUMNS]) + "  errors"]
    for r in results:
        errors = ", ".join(f"{n} {kind}" for kind, n in r.errors.items()) or "none"
        cells = [
            r.label, f"{r.signers:,}", f"{r.threshold:,}", str(r.processes), f"{r.signed:,}",
            f"{r.seconds:.1f}", f"{r.signed / r.seconds:,.0f}", f"{r.p50_ms:,.0f}",
            f"{r.p99_ms:,.0f}", f"{r.tx_p50_ms:.1f}", f"{r.tx_p99_ms:.1f}", f"{r.cpu_ms:.2f}",
            f"{r.counted:,}", f"{r.notified:,}",
        ]  # fmt: skip
        lines.append(line(cells) + f"  {errors}")
    lines += [
        "",
        "needed: the petition's threshold. All signers start at once; p50/p99: from that moment",
        "to the signer's commit (waiting for one of its process's 20 connections included); tx",
        "p50/p99: from the connection to the end (the check after the commit included). cpu ms:",
        "the workers' own CPU time per signature (the database server's is not in it).",
        "count: what the card shows afterwards (asserted equal to the signature rows and to the",
        "signers who succeeded); notices: signers told the threshold was crossed (once each).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
