"""generate_cdc: deterministic sample bronze data that cdc_ingest turns into the true table."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import cdc_ingest
import generate_cdc
import job_common
import pytest
from conftest import new_table
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

START, END = "2026-01-01", "2026-01-03"
DAYS = ("2026-01-01", "2026-01-02", "2026-01-03")


def generate(output: Path, *extra: str, start: str = START, end: str = END) -> int:
    argv = ["--start", start, "--end", end, "--output", str(output), *extra]
    return generate_cdc.main(argv)


def files_of(root: Path) -> dict[str, bytes]:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


def lines_of(root: Path, ds: str) -> list[str]:
    return [
        line
        for part in sorted((root / f"date={ds}").glob("part-*.json"))
        for line in part.read_text(encoding="utf-8").splitlines()
    ]


def parsed(line: str) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def test_same_arguments_give_the_same_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    assert generate(tmp_path / "a", "--seed", "7") == 0
    assert generate(tmp_path / "b", "--seed", "7") == 0
    assert generate(tmp_path / "c", "--seed", "8") == 0
    first = files_of(tmp_path / "a")
    assert first == files_of(tmp_path / "b")
    assert first.keys() == files_of(tmp_path / "c").keys()
    assert first != files_of(tmp_path / "c")


def test_one_folder_per_day_with_a_success_marker(tmp_path: Path) -> None:
    assert generate(tmp_path) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"date={ds}" for ds in DAYS]
    for ds in DAYS:
        names = sorted(p.name for p in (tmp_path / f"date={ds}").iterdir())
        assert names == ["_SUCCESS", "part-00000.json"]
        assert (tmp_path / f"date={ds}" / "_SUCCESS").read_bytes() == b""


def test_a_rerun_replaces_what_was_there(tmp_path: Path) -> None:
    assert generate(tmp_path, "--scale", "2") == 0
    stale = tmp_path / f"date={DAYS[0]}" / "part-00009.json"
    stale.write_text('{"op":"I"}\n')
    assert generate(tmp_path) == 0
    assert not stale.exists()
    fresh = tmp_path.parent / "fresh"
    assert generate(fresh) == 0
    assert files_of(tmp_path) == files_of(fresh)


def test_days_hold_inserts_updates_deletes_duplicates_late_events_and_bad_rows(
    tmp_path: Path,
) -> None:
    assert generate(tmp_path) == 0
    for number, ds in enumerate(DAYS):
        lines = lines_of(tmp_path, ds)
        rows = [parsed(line) for line in lines]
        good = [
            r
            for r in rows
            if r
            and r["customer_id"]
            and r["op"] in ("I", "U", "D")
            and r["change_ts"].startswith("2026")
            and isinstance(r["lifetime_value"], float)
        ]
        events = list({json.dumps(r, sort_keys=True): r for r in good}.values())
        # Default scale: 200 initial inserts on the first day, then 100 changes a day.
        assert len(events) == (300 if number == 0 else 100)
        ops = Counter(r["op"] for r in events)
        assert ops["I"] > 0 and ops["U"] > 0 and ops["D"] > 0
        duplicates = [line for line, n in Counter(lines).items() if n > 1]
        assert len(duplicates) >= 1
        sequences = [int(r["change_seq"]) for r in events]  # first occurrences, file order
        late = [b for a, b in zip(sequences, sequences[1:]) if b < a]
        assert len(late) >= 1, "some changes come after changes with a higher sequence"
        assert sum(r is None for r in rows) == 1  # one malformed line
        assert sum(1 for r in rows if r and r["customer_id"] is None) == 1
        assert sum(1 for r in rows if r and r["op"] not in ("I", "U", "D")) == 1
        assert sum(1 for r in rows if r and r["lifetime_value"] == "1.234,50") == 1
        assert sum(1 for r in rows if r and not r["change_ts"].startswith("2026")) == 1


def test_scale_and_explicit_sizes(tmp_path: Path) -> None:
    assert generate(tmp_path / "s", "--scale", "3", end=START) == 0
    inserts = [parsed(x) for x in lines_of(tmp_path / "s", START)]
    assert sum(1 for r in inserts if r and r["op"] == "I") >= 600
    assert generate(tmp_path / "e", "--customers", "10", "--changes", "0", end=START) == 0
    rows = [parsed(x) for x in lines_of(tmp_path / "e", START)]
    assert len({r["customer_id"] for r in rows if r and r["customer_id"]}) == 10


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--start", "2026-01-03", "--end", "2026-01-01"], "--end: expected a date on or after"),
        (["--start", "2026/01/01", "--end", "2026-01-01"], "--start: expected a date YYYY-MM-DD"),
        (["--start", START, "--end", END, "--scale", "0"], "--scale: expected a whole number"),
        (["--start", START, "--end", END, "--changes", "-1"], "--changes: expected a whole"),
    ],
)
def test_bad_arguments_fail_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    assert generate_cdc.main([*argv, "--output", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"generate_cdc: error: {expected}")
    assert not (tmp_path / "out").exists()


def test_ingesting_every_day_in_order_rebuilds_the_generators_table(
    spark: SparkSession, tmp_path: Path
) -> None:
    bronze, table = tmp_path / "bronze", new_table()
    options = generate_cdc.parse_args(
        ["--start", START, "--end", END, "--output", str(bronze), "--seed", "11"]
    )
    truth = generate_cdc.generate(options).customers
    for ds in DAYS:
        report = cdc_ingest.run_ingest(
            spark,
            cdc_ingest.IngestOptions(
                cdc_ingest.parse_date(ds), str(bronze), table, str(tmp_path / "ingest")
            ),
        )
        assert report.bad_rows_by_reason == {
            "malformed_record": 1,
            "null_key": 1,
            "unknown_op": 1,
            "bad_change_ts": 1,
            "bad_lifetime_value": 1,
        }
        assert report.duplicate_changes >= 1

    iso = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
    frame = spark.read.option("tag", f"ds-{END}").table(table)
    rows = frame.select(
        *[
            F.date_format(c, iso).alias(c) if c in ("created_at", "updated_at") else F.col(c)
            for c in job_common.CUSTOMER_COLUMNS
        ]
    ).collect()
    assert {row["customer_id"]: row.asDict() for row in rows} == truth


def test_uris_are_written_through_hadoop_with_the_same_bytes(
    spark: SparkSession, tmp_path: Path
) -> None:
    # s3:// needs hadoop-aws, which local tests do not have; a file: URI takes the same path
    # through Spark's Hadoop file system.
    ds = generate_cdc.parse_date(START, "--start")
    lines = generate_cdc.CdcGenerator(3, 20, 10).day(ds)
    generate_cdc.LocalWriter(str(tmp_path / "local")).write_day(ds, lines)
    writer = generate_cdc.HadoopWriter(f"file:{tmp_path / 'hadoop'}")
    writer.write_day(ds, lines)
    writer.close()  # leaves the shared session running: the writer did not start it
    assert spark.range(1).count() == 1
    # Hadoop's local file system adds .crc checksum files beside each file.
    hadoop = files_of(tmp_path / "hadoop")
    written = {k: v for k, v in hadoop.items() if not Path(k).name.startswith(".")}
    assert written == files_of(tmp_path / "local")
