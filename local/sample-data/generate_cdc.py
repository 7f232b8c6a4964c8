"""Sample bronze data: a daily Oracle CDC export of the customers table, deterministic.

    python local/sample-data/generate_cdc.py --start 2026-01-01 --end 2026-01-03 \
        --output .work/lake/bronze/customers [--seed 7] [--scale 1]

Writes one `<output>/date=<ds>/` folder per day (JSON lines `part-NNNNN.json` files, then an
empty `_SUCCESS` marker), replacing what an earlier run left there. The first day starts with
an initial load (one insert per customer), every day has inserts, updates and deletes, some
customers changed several times, duplicate events (the same change delivered twice), late
events (a change written after changes with a higher sequence) and a few bad rows (no key,
unknown operation, unparsable values, a malformed line). Same arguments, same bytes.

Local paths are written with plain Python (no Spark needed); any other URI (`s3://`,
`hdfs://`) through Spark's Hadoop file system, so spark-submit can run it on a cluster too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

# The deployed jobs' shared module lives in jobs/: run from the repository, take it from there
# (under spark-submit it comes with --py-files instead).
_JOBS = Path(__file__).resolve().parents[2] / "jobs"
if _JOBS.is_dir() and str(_JOBS) not in sys.path:
    sys.path.insert(0, str(_JOBS))

from job_common import ArgumentParser, JobError, jvm_of, parse_date  # noqa: E402

JOB = "generate_cdc"
LINES_PER_FILE = 250_000
FIRST_SEQUENCE = 7_340_000_000  # SCN-like: large, increasing, with gaps

FIRST_NAMES = (
    "Ana", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
    "Kira", "Luis", "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara",
)  # fmt: skip
LAST_NAMES = (
    "Garcia", "Smith", "Müller", "Martin", "Rossi", "Silva", "Tanaka", "Kumar", "Nowak",
    "Brown", "Dubois", "Jansen", "Lopez", "Wilson", "Costa", "Ito", "Novak", "Berg",
)  # fmt: skip
# (ISO 3166-1 alpha-2, calling code, weight)
COUNTRIES = (
    ("US", "1", 30), ("GB", "44", 10), ("DE", "49", 10), ("FR", "33", 8), ("ES", "34", 7),
    ("IT", "39", 5), ("NL", "31", 4), ("MX", "52", 5), ("BR", "55", 6), ("IN", "91", 7),
    ("JP", "81", 4), ("AU", "61", 4),
)  # fmt: skip
SEGMENTS = (("consumer", 70), ("smb", 22), ("enterprise", 8))
STATUSES = (("active", 80), ("inactive", 15), ("churned", 5))
# A change line's op (insert, update, delete), what a day's change does to a customer, and the
# kinds of bad line a day also carries (the ingest job must reject each).
Op = Literal["I", "U", "D"]
ChangeKind = Literal["insert", "update", "delete"]
BadLineKind = Literal["null_key", "unknown_op", "bad_lifetime_value", "bad_change_ts", "malformed"]
BAD_KINDS: tuple[BadLineKind, ...] = get_args(BadLineKind)

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+)://")


def _ascii(name: str) -> str:
    return name.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae")


def _timestamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _weighted(rng: random.Random, options: Sequence[tuple[Any, ...]]) -> Any:
    return rng.choices(options, weights=[o[-1] for o in options])[0]


@dataclass
class Event:
    """One change as it appears in the export."""

    seq: int
    row: dict[str, Any]


class CdcGenerator:
    """Plays a customers table forward day by day and emits its changes.

    `customers` is the table's true state after the days generated so far (bronze text
    form): what a correct ingest of every day, in order, must end up with.
    """

    def __init__(self, seed: int, initial_customers: int, changes_per_day: int) -> None:
        self.rng = random.Random(seed)
        self.initial_customers = initial_customers
        self.changes_per_day = changes_per_day
        self.sequence = FIRST_SEQUENCE
        self.next_number = 1
        self.customers: dict[str, dict[str, Any]] = {}
        self._live: list[str] = []
        self._position: dict[str, int] = {}
        self._days = 0

    # -- the table

    def _add(self, row: dict[str, Any]) -> None:
        key = row["customer_id"]
        self.customers[key] = row
        self._position[key] = len(self._live)
        self._live.append(key)

    def _remove(self, key: str) -> None:
        del self.customers[key]
        index = self._position.pop(key)
        last = self._live.pop()
        if last != key:
            self._live[index] = last
            self._position[last] = index

    def _new_customer(self, moment: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        number = self.next_number
        self.next_number += 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        country, calling_code, _ = _weighted(rng, COUNTRIES)
        stamp = _timestamp(moment)
        return {
            "customer_id": f"C{number:08d}",
            "first_name": first,
            "last_name": last,
            "email": f"{first}.{_ascii(last)}.{number}@example.com".lower(),
            "phone": f"+{calling_code} {rng.randrange(200, 999)} {rng.randrange(1000, 9999)}",
            "country": country,
            "segment": _weighted(rng, SEGMENTS)[0],
            "status": _weighted(rng, STATUSES)[0],
            "lifetime_value": round(rng.uniform(0, 5000), 2),
            "created_at": stamp,
            "updated_at": stamp,
        }

    def _updated(self, row: dict[str, Any], moment: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        new = dict(row)
        for change in rng.sample(("value", "status", "contact", "segment"), rng.randint(1, 2)):
            if change == "value":
                new["lifetime_value"] = round(new["lifetime_value"] + rng.uniform(5, 800), 2)
            elif change == "status":
                new["status"] = _weighted(rng, STATUSES)[0]
            elif change == "contact":
                number = int(new["customer_id"][1:])
                new["email"] = f"{new['first_name']}.{number}@mail.example.org".lower()
                new["phone"] = new["phone"].rsplit(" ", 1)[0] + f" {rng.randrange(1000, 9999)}"
            else:
                new["segment"] = _weighted(rng, SEGMENTS)[0]
        new["updated_at"] = _timestamp(moment)
        return new

    # -- a day of changes

    def day(self, ds: dt.date) -> list[str]:
        """The export of `ds`, lines in file order; advances the table to the end of `ds`."""
        rng = self.rng
        initial = self.initial_customers if self._days == 0 else 0
        total = initial + self.changes_per_day
        start = dt.datetime(ds.year, ds.month, ds.day)
        events: list[Event] = []
        for index in range(total):
            self.sequence += rng.randint(1, 3)
            # Commit times spread over the day, in sequence order (ties possible).
            moment = start + dt.timedelta(
                milliseconds=int((index + rng.random()) * 86_400_000 / total)
            )
            kind: ChangeKind = "insert" if index < initial else self._pick_kind()
            if kind == "insert":
                row = self._new_customer(moment)
                self._add(row)
                op: Op = "I"
            else:
                key = self._live[rng.randrange(len(self._live))]
                if kind == "update":
                    row = self._updated(self.customers[key], moment)
                    self.customers[key] = row
                    op = "U"
                else:
                    row = self.customers[key]
                    self._remove(key)
                    op = "D"
            events.append(Event(self.sequence, self._line(op, self.sequence, moment, row)))
        self._days += 1

        lines = [json.dumps(e.row, separators=(",", ":"), ensure_ascii=False) for e in events]
        extra = max(1, total // 33)
        # Late events: written after changes that came after them.
        for _ in range(extra):
            origin = rng.randrange(len(lines))
            late = lines.pop(origin)
            lines.insert(rng.randrange(min(origin + 1, len(lines)), len(lines) + 1), late)
        # Duplicates: the same change delivered twice, somewhere later in the file.
        for _ in range(extra):
            origin = rng.randrange(len(lines))
            lines.insert(rng.randrange(origin + 1, len(lines) + 1), lines[origin])
        for index in range(len(BAD_KINDS) * max(1, total // 1000)):
            bad = self._bad_line(BAD_KINDS[index % len(BAD_KINDS)], start)
            lines.insert(rng.randrange(len(lines) + 1), bad)
        return lines

    def _pick_kind(self) -> ChangeKind:
        if len(self._live) < 2:
            return "insert"
        roll = self.rng.random()
        return "insert" if roll < 0.15 else "delete" if roll < 0.25 else "update"

    @staticmethod
    def _line(op: Op, seq: int, moment: dt.datetime, row: dict[str, Any]) -> dict[str, Any]:
        return {"op": op, "change_seq": seq, "change_ts": _timestamp(moment), **row}

    def _bad_line(self, kind: BadLineKind, start: dt.datetime) -> str:
        rng = self.rng
        moment = start + dt.timedelta(milliseconds=rng.randrange(86_400_000))
        key = self._live[rng.randrange(len(self._live))] if self._live else "C00000000"
        row = dict(self.customers.get(key) or self._new_customer(moment))
        line = self._line("U", self.sequence + rng.randint(1, 9), moment, row)
        if kind == "null_key":
            line["customer_id"] = None
        elif kind == "unknown_op":
            line["op"] = "M"
        elif kind == "bad_lifetime_value":
            line["lifetime_value"] = "1.234,50"
        elif kind == "bad_change_ts":
            line["change_ts"] = "31/12/2025 25:61"
        text = json.dumps(line, separators=(",", ":"), ensure_ascii=False)
        return text[: len(text) // 2] if kind == "malformed" else text


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def chunks(lines: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for begin in range(0, len(lines), size):
        yield lines[begin : begin + size]


# ----------------------------------------------------------------------------------- writing


class LocalWriter:
    def __init__(self, root: str) -> None:
        self.root = Path(root)

    def write_day(self, ds: dt.date, lines: Sequence[str]) -> str:
        folder = self.root / f"date={ds}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for number, part in enumerate(chunks(lines, LINES_PER_FILE)):
            (folder / f"part-{number:05d}.json").write_text(
                "".join(f"{line}\n" for line in part), encoding="utf-8"
            )
        (folder / "_SUCCESS").write_bytes(b"")
        return str(folder)


class HadoopWriter:
    """Any URI Spark can write (s3:// on EMR, s3a:// with hadoop-aws, hdfs://)."""

    def __init__(self, root: str) -> None:
        from pyspark.sql import SparkSession

        self.root = root.rstrip("/")
        self._own_session = SparkSession.getActiveSession() is None
        self.spark = SparkSession.builder.appName(JOB).getOrCreate()
        self.jvm = jvm_of(self.spark)
        self.conf = self.spark.sparkContext._jsc.hadoopConfiguration()

    def _write(self, uri: str, data: bytes) -> None:
        path = self.jvm.org.apache.hadoop.fs.Path(uri)
        stream = path.getFileSystem(self.conf).create(path, True)
        try:
            stream.write(bytearray(data))
        finally:
            stream.close()

    def write_day(self, ds: dt.date, lines: Sequence[str]) -> str:
        folder = f"{self.root}/date={ds}"
        path = self.jvm.org.apache.hadoop.fs.Path(folder)
        fs = path.getFileSystem(self.conf)
        if fs.exists(path):
            fs.delete(path, True)
        for number, part in enumerate(chunks(lines, LINES_PER_FILE)):
            data = "".join(f"{line}\n" for line in part).encode("utf-8")
            self._write(f"{folder}/part-{number:05d}.json", data)
        self._write(f"{folder}/_SUCCESS", b"")
        return folder

    def close(self) -> None:
        if self._own_session:
            self.spark.stop()


# ------------------------------------------------------------------------------ command line


@dataclass
class GenerateOptions:
    start: dt.date
    end: dt.date
    output: str
    seed: int
    customers: int
    changes: int


def parse_args(argv: Sequence[str] | None) -> GenerateOptions:
    parser = ArgumentParser(prog=JOB, description="Write sample bronze CDC data.")
    parser.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
    parser.add_argument("--end", required=True, help="last day (inclusive), YYYY-MM-DD")
    parser.add_argument("--output", required=True, help="bronze root (local path or URI)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--scale",
        type=int,
        default=1,
        help="size factor: 200 x N customers on the first day, 100 x N changes a day",
    )
    parser.add_argument("--customers", type=int, help="initial customers (overrides --scale)")
    parser.add_argument("--changes", type=int, help="changes per day (overrides --scale)")
    args = parser.parse_args(argv)
    start, end = parse_date(args.start, "--start"), parse_date(args.end, "--end")
    if end < start:
        raise JobError(f"--end: expected a date on or after --start {start}, got '{end}'")
    if args.scale < 1:
        raise JobError(f"--scale: expected a whole number of at least 1, got {args.scale}")
    for name in ("customers", "changes"):
        value = getattr(args, name)
        if value is not None and value < 0:
            raise JobError(f"--{name}: expected a whole number of at least 0, got {value}")
    output = (args.output or "").strip()
    if not output:
        raise JobError("--output: expected an s3:// URI or a local path, got ''")
    return GenerateOptions(
        start=start,
        end=end,
        output=output.rstrip("/") or "/",
        seed=args.seed,
        customers=200 * args.scale if args.customers is None else args.customers,
        changes=100 * args.scale if args.changes is None else args.changes,
    )


def generate(options: GenerateOptions) -> CdcGenerator:
    """Writes every day of the range; returns the generator (its state is the truth)."""
    generator = CdcGenerator(options.seed, options.customers, options.changes)
    remote = _SCHEME_RE.match(options.output) and not options.output.startswith("file://")
    writer: LocalWriter | HadoopWriter
    if remote:
        writer = HadoopWriter(options.output)
    else:
        local = options.output.removeprefix("file://")
        writer = LocalWriter(os.path.abspath(local))
    try:
        for ds in days_between(options.start, options.end):
            lines = generator.day(ds)
            folder = writer.write_day(ds, lines)
            print(f"{JOB}: {folder}: {len(lines)} lines, {len(generator.customers)} customers")
    finally:
        if isinstance(writer, HadoopWriter):
            writer.close()
    return generator


def main(argv: Sequence[str] | None = None) -> int:
    try:
        generate(parse_args(argv))
    except (JobError, OSError) as error:
        print(f"{JOB}: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
