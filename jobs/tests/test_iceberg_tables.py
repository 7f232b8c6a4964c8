"""The silver table's life after the nightly merges, against local PySpark and Iceberg: the
maintenance job (date tags kept for the retention period, compaction, expiry, orphan files)
and the one-time migration from the Parquet snapshots."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import cdc_ingest
import iceberg_maintenance
import migrate_to_iceberg
import pytest
from iceberg_maintenance import tags_to_drop
from job_common import REFUSAL_EXIT_CODE, date_tags, iceberg_table, parse_date, snapshot_summary
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from test_cdc_ingest import (
    D1,
    D2,
    D3,
    DAY1,
    DAY2,
    SILVER_D1,
    SILVER_D2,
    change,
    new_lake,
    options,
    read_silver,
    write_bronze,
)

D4, D5 = "2026-01-04", "2026-01-05"


def test_the_newest_two_tags_are_kept_whatever_the_retention() -> None:
    days = [parse_date(d) for d in (D1, D2, D3, D4, D5)]
    assert tags_to_drop(days, 0) == days[:3]
    assert tags_to_drop(days, 2) == days[:2]
    assert tags_to_drop(days, 30) == []
    assert tags_to_drop(days[:2], 0) == []


def _stray(folder: Path, name: str, age_hours: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"not referenced by any snapshot")
    moment = time.time() - age_hours * 3600
    os.utime(path, (moment, moment))
    return path


def test_maintenance_keeps_the_dates_it_must_compacts_and_removes_the_rest(
    spark: SparkSession, tmp_path: Path
) -> None:
    lake = new_lake(tmp_path)
    write_bronze(lake.bronze, D1, DAY1)
    write_bronze(lake.bronze, D2, DAY2)
    write_bronze(lake.bronze, D3, [])
    write_bronze(lake.bronze, D4, [change("U", 400, "2026-01-04T08:00:00Z", "C2", first_name="Di")])
    for day in (D1, D2, D3, D4):
        cdc_ingest.run_ingest(spark, options(lake, day))
    silver_d4 = read_silver(spark, lake, D4)
    d1_snapshot = date_tags(spark, lake.table)[parse_date(D1)]
    location = Path(str(iceberg_table(spark, lake.table).location()))
    old_orphan = _stray(location / "data", "left-by-a-failed-write.parquet", age_hours=100)
    young_orphan = _stray(location / "data", "being-written-now.parquet", age_hours=1)

    argv = ["--table", lake.table, "--retention-days", "2"]
    assert iceberg_maintenance.main(argv, spark=spark) == 0

    # D1 is out of the period (before D4 - 2 days); D2 inside it; D3 and D4 are the newest.
    assert list(date_tags(spark, lake.table)) == [parse_date(d) for d in (D2, D3, D4)]
    assert iceberg_table(spark, lake.table).snapshot(d1_snapshot) is None
    assert read_silver(spark, lake, D2) == SILVER_D2
    assert read_silver(spark, lake, D3) == SILVER_D2
    assert read_silver(spark, lake, D4) == silver_d4
    # The current state is compacted: no delete file left to apply, the same rows as D4.
    current = iceberg_table(spark, lake.table).currentSnapshot()
    summary = snapshot_summary(spark, lake.table, int(current.snapshotId()))
    assert str(current.operation()) == "replace"
    assert summary["total-delete-files"] == "0"
    assert spark.table(lake.table).count() == len(silver_d4)
    assert not old_orphan.exists() and young_orphan.exists()

    # The next night builds on the compaction instead of undoing it.
    write_bronze(lake.bronze, D5, [change("D", 500, "2026-01-05T08:00:00Z", "C9")])
    report = cdc_ingest.run_ingest(spark, options(lake, D5))
    assert report.deleted == 1 and report.rows_written == len(silver_d4) - 1
    table = iceberg_table(spark, lake.table)
    d5 = table.snapshot(date_tags(spark, lake.table)[parse_date(D5)])
    assert int(d5.parentId()) == int(current.snapshotId())
    assert [r["customer_id"] for r in read_silver(spark, lake, D5)] == [
        r["customer_id"] for r in silver_d4 if r["customer_id"] != "C9"
    ]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--table", "lake.silver.customers"], "the following arguments are required"),
        (["--table", "x", "--retention-days", "3"], "--table: expected an Iceberg table"),
        (
            ["--table", "lake.silver.customers", "--retention-days", "-1"],
            "--retention-days: expected a whole number of at least 0, got '-1'",
        ),
        (
            [
                "--table",
                "lake.silver.customers",
                "--retention-days",
                "3",
                "--orphan-age-hours",
                "2",
            ],
            "--orphan-age-hours: expected a whole number of at least 24, got '2'",
        ),
        (["--table", "lake.nothing.here", "--retention-days", "3"], "--table: no table"),
    ],
)
def test_maintenance_bad_arguments_fail_with_one_line(
    spark: SparkSession, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    assert iceberg_maintenance.main(argv, spark=spark) == REFUSAL_EXIT_CODE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"iceberg_maintenance: refused: {expected}")


def _write_parquet_snapshot(
    spark: SparkSession, root: Path, ds: str, rows: list[dict[str, Any]]
) -> None:
    """A silver snapshot as the Parquet version of cdc_ingest wrote it."""
    frame = spark.createDataFrame(rows).select(
        *[
            F.to_timestamp(f.name).alias(f.name)
            if f.name in ("created_at", "updated_at")
            else F.to_date(f.name).alias(f.name)
            if f.name == "_ingest_date"
            else F.col(f.name).cast(f.dataType).alias(f.name)
            for f in cdc_ingest.SILVER_SCHEMA.fields
        ]
    )
    frame.write.mode("overwrite").parquet(str(root / f"date={ds}"))


def test_migration_gives_the_rows_of_the_latest_snapshot_and_ingest_continues_from_it(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parquet = tmp_path / "parquet-silver"
    _write_parquet_snapshot(spark, parquet, D1, SILVER_D1)
    _write_parquet_snapshot(spark, parquet, D2, SILVER_D2)
    lake = new_lake(tmp_path)
    argv = ["--source", str(parquet), "--table", lake.table]
    assert migrate_to_iceberg.main(argv, spark=spark) == 0

    assert list(date_tags(spark, lake.table)) == [parse_date(D2)]
    assert read_silver(spark, lake, D2) == SILVER_D2
    summary = snapshot_summary(spark, lake.table, date_tags(spark, lake.table)[parse_date(D2)])
    assert (summary["pipeline.ds"], summary["pipeline.customers"]) == (D2, "5")
    assert summary["pipeline.job"] == "migrate_to_iceberg"

    # A second run is refused, the table untouched.
    assert migrate_to_iceberg.main(argv, spark=spark) == 1
    assert "already has date tags (latest ds-2026-01-02)" in capsys.readouterr().err
    assert len(list(iceberg_table(spark, lake.table).snapshots())) == 1

    # The next date merges onto the migrated rows.
    write_bronze(lake.bronze, D3, [change("U", 300, "2026-01-03T08:00:00Z", "C1", status="vip")])
    report = cdc_ingest.run_ingest(spark, options(lake, D3, allow_gaps=True))
    assert report.previous_date == D2 and (report.updated, report.rows_written) == (1, 5)
    rows = {r["customer_id"]: r for r in read_silver(spark, lake, D3)}
    assert rows["C1"]["status"] == "vip" and rows["C2"] == SILVER_D2[1]


def test_migration_refuses_an_interrupted_snapshot(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parquet = tmp_path / "parquet-silver"
    _write_parquet_snapshot(spark, parquet, D1, SILVER_D1)
    (parquet / f"date={D1}" / "_SUCCESS").unlink()
    table = new_lake(tmp_path).table
    assert migrate_to_iceberg.main(["--source", str(parquet), "--table", table], spark=spark) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "has no _SUCCESS marker (an interrupted write)" in err[0]
    assert not spark.catalog.tableExists(table)
