"""customer_summary against local PySpark: hand-written silver dates in an Iceberg table (one
tagged commit each), gold computed by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import cdc_ingest
import customer_summary
import pytest
from conftest import new_table
from customer_summary import GOLD_COLUMNS, SummaryOptions, parse_date
from job_common import REFUSAL_EXIT_CODE, current_snapshot_id, tag_snapshot
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from test_cdc_ingest import DAY1, DAY2, write_bronze

D1, D2 = "2026-01-01", "2026-01-02"
T = dt.datetime(2026, 1, 1, 8, 0, 0)


def silver_row(
    customer_id: str,
    segment: str,
    country: str | None,
    status: str,
    lifetime_value: float | None,
    ingest_date: str,
) -> tuple[Any, ...]:
    return (
        customer_id,
        "First",
        "Last",
        f"{customer_id.lower()}@example.com",
        "+1 555 0100",
        country,
        segment,
        status,
        lifetime_value,
        T,
        T,
        1,
        "U",
        dt.date.fromisoformat(ingest_date),
    )


PREVIOUS = [
    silver_row("A1", "consumer", "US", "active", 100.0, D1),
    silver_row("A2", "consumer", "US", "active", 50.5, D1),
    silver_row("A3", "smb", "GB", "active", 200.0, D1),
    silver_row("A4", "enterprise", "DE", "churned", 999.99, D1),
    silver_row("A5", "consumer", "US", "inactive", None, D1),
]
CURRENT = [
    silver_row("A1", "consumer", "US", "active", 120.0, D2),  # updated
    PREVIOUS[1],  # unchanged
    silver_row("A3", "smb", "GB", "inactive", 200.0, D2),  # updated, moved group
    PREVIOUS[4],  # unchanged, no lifetime value
    silver_row("A6", "consumer", "US", "active", 10.25, D2),  # new
    silver_row("A7", "smb", "GB", "active", 0.1, D2),  # new
    silver_row("A9", "smb", "GB", "active", 0.2, D2),  # new
    silver_row("A8", "consumer", None, "active", 5.0, D2),  # new, no country
    # A4 deleted
]

# (segment, country, status, customers, total, avg, new, updated, deleted)
GOLD_D1 = [
    ("consumer", "US", "active", 2, 150.5, 75.25, 2, 0, 0),
    ("consumer", "US", "inactive", 1, 0.0, None, 1, 0, 0),
    ("enterprise", "DE", "churned", 1, 999.99, 999.99, 1, 0, 0),
    ("smb", "GB", "active", 1, 200.0, 200.0, 1, 0, 0),
]
GOLD_D2 = [
    ("consumer", None, "active", 1, 5.0, 5.0, 1, 0, 0),
    ("consumer", "US", "active", 3, 180.75, 60.25, 1, 1, 0),
    ("consumer", "US", "inactive", 1, 0.0, None, 0, 0, 0),
    ("enterprise", "DE", "churned", 0, 0.0, None, 0, 0, 1),
    # 0.1 + 0.2 summed exactly: a double sum would give 0.30000000000000004
    ("smb", "GB", "active", 2, 0.3, 0.15, 2, 0, 0),
    ("smb", "GB", "inactive", 1, 200.0, 200.0, 0, 1, 0),
]


def write_silver(
    spark: SparkSession, table: str, ds: str | None, rows: list[tuple[Any, ...]]
) -> None:
    """Replaces the table's rows in one commit and tags it for `ds` (None: no tag)."""
    cdc_ingest.ensure_table(spark, table)
    frame = spark.createDataFrame(rows, cdc_ingest.SILVER_SCHEMA)
    frame.writeTo(table).overwrite(F.lit(True))
    if ds is not None:
        tag_snapshot(spark, table, ds, current_snapshot_id(spark, table) or 0)


def read_gold(spark: SparkSession, root: Path, ds: str) -> list[tuple[Any, ...]]:
    frame = spark.read.parquet(str(root / f"date={ds}"))
    assert [f.name for f in frame.schema.fields] == list(GOLD_COLUMNS)
    assert [f.dataType.simpleString() for f in frame.schema.fields] == [
        "date",
        "string",
        "string",
        "string",
        "bigint",
        "double",
        "double",
        "bigint",
        "bigint",
        "bigint",
    ]
    rows = [row for row in frame.collect()]
    assert {row["snapshot_date"] for row in rows} == {dt.date.fromisoformat(ds)}
    return sorted(
        (tuple(row)[1:] for row in rows), key=lambda r: tuple("" if v is None else v for v in r[:3])
    )


def run_cli(spark: SparkSession, lake: Path, ds: str, table: str) -> int:
    argv = ["--date", ds, "--table", table, "--output", str(lake / "gold")]
    return customer_summary.main(argv, spark=spark)


TABLE = new_table()


@pytest.fixture(scope="module")
def lake(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root: Path = tmp_path_factory.mktemp("lake")
    write_silver(spark, TABLE, D1, PREVIOUS)
    write_silver(spark, TABLE, D2, CURRENT)
    return root


def test_first_date_counts_every_touched_customer_as_new_reading_its_own_tag(
    spark: SparkSession, lake: Path
) -> None:
    # The table's current state is D2: D1 is read by time travel to its tag.
    result = customer_summary.run_summary(
        spark, SummaryOptions(parse_date(D1), TABLE, str(lake / "gold"))
    )
    assert read_gold(spark, lake / "gold", D1) == GOLD_D1
    assert result.previous_snapshot is None
    assert (result.groups, result.customers, result.new_customers) == (4, 5, 5)


def test_summary_counts_new_updated_and_deleted_against_the_previous_snapshot(
    spark: SparkSession, lake: Path
) -> None:
    assert run_cli(spark, lake, D2, TABLE) == 0
    assert read_gold(spark, lake / "gold", D2) == GOLD_D2


def test_running_a_date_twice_gives_identical_gold_in_one_file(
    spark: SparkSession, lake: Path
) -> None:
    assert run_cli(spark, lake, D2, TABLE) == 0
    first = read_gold(spark, lake / "gold", D2)
    assert run_cli(spark, lake, D2, TABLE) == 0
    assert read_gold(spark, lake / "gold", D2) == first == GOLD_D2
    assert len(list((lake / "gold" / f"date={D2}").glob("part-*.parquet"))) == 1
    # Only the date's partition is rewritten.
    assert read_gold(spark, lake / "gold", D1) == GOLD_D1


def test_bronze_to_gold_through_both_jobs(spark: SparkSession, tmp_path: Path) -> None:
    write_bronze(tmp_path / "bronze", D1, DAY1)
    write_bronze(tmp_path / "bronze", D2, DAY2)
    table = new_table()
    for ds in (D1, D2):
        argv = ["--date", ds, "--source", str(tmp_path / "bronze"), "--table", table]
        assert cdc_ingest.main([*argv, "--reports", str(tmp_path / "ingest")], spark=spark) == 0
    assert run_cli(spark, tmp_path, D2, table) == 0
    # Silver D1: C1 consumer/US/inactive 150.25, C2 smb/GB/active 20, C3 enterprise/DE/active
    # 1000. Silver D2: C1 unchanged, C2 updated to 30, C3 deleted, C5 (10) and C6 (2) new in
    # consumer/US/active, C9 (10) new in consumer/FR/active.
    assert read_gold(spark, tmp_path / "gold", D2) == [
        ("consumer", "FR", "active", 1, 10.0, 10.0, 1, 0, 0),
        ("consumer", "US", "active", 2, 12.0, 6.0, 2, 0, 0),
        ("consumer", "US", "inactive", 1, 150.25, 150.25, 0, 0, 0),
        ("enterprise", "DE", "active", 0, 0.0, None, 0, 0, 1),
        ("smb", "GB", "active", 1, 30.0, 30.0, 0, 1, 0),
    ]


def test_a_date_without_its_tag_fails_with_one_clear_line(
    spark: SparkSession, lake: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(spark, lake, "2026-01-05", TABLE) == REFUSAL_EXIT_CODE
    assert capsys.readouterr().err.strip().splitlines() == [
        f"customer_summary: refused: silver {TABLE} has no snapshot tagged ds-2026-01-05: "
        "expected the customers of 2026-01-05 (run cdc_ingest for 2026-01-05 first)"
    ]
    assert not (lake / "gold" / "date=2026-01-05").exists()


def test_an_untagged_commit_is_not_read_as_a_date(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An ingest stopped between its commit and its tag: the date does not exist yet, and the
    # earlier date still reads its own tagged rows, not the table's current ones.
    table = new_table()
    write_silver(spark, table, D1, PREVIOUS)
    write_silver(spark, table, None, CURRENT)
    assert run_cli(spark, tmp_path, D2, table) == REFUSAL_EXIT_CODE
    assert f"has no snapshot tagged ds-{D2}" in capsys.readouterr().err
    assert not (tmp_path / "gold").exists()
    assert run_cli(spark, tmp_path, D1, table) == 0
    assert read_gold(spark, tmp_path / "gold", D1) == GOLD_D1


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--date", "2026-02-30"], "--date: expected a date YYYY-MM-DD, got '2026-02-30'"),
        (["--date", D1, "--table", "silver/customers"], "--table: expected an Iceberg table"),
        (["--date", D1, "--output", ""], "--output: expected an s3:// URI or a local path"),
        (["--table", "a.b.c", "--output", "y"], "the following arguments are required: --date"),
    ],
)
def test_bad_arguments_fail_with_one_line(
    spark: SparkSession,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    expected: str,
) -> None:
    defaults = {"--table": "lake.silver.customers", "--output": str(tmp_path / "output")}
    for flag, value in defaults.items():
        if flag not in argv:
            argv = [*argv, flag, value]
    assert customer_summary.main(argv, spark=spark) == REFUSAL_EXIT_CODE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"customer_summary: refused: {expected}")


def test_roots_accept_s3_uris_and_local_paths(tmp_path: Path) -> None:
    normalize = customer_summary.normalize_root
    assert normalize("s3://data-lake/gold/customer_summary/", "--output") == (
        "s3://data-lake/gold/customer_summary"
    )
    assert normalize(str(tmp_path) + "/gold/", "--output") == str(tmp_path / "gold")
    assert customer_summary.partition_path("s3://lake/gold", D2) == f"s3://lake/gold/date={D2}"


def test_the_job_leaves_spark_conf_to_the_submitter() -> None:
    source = Path(customer_summary.__file__).read_text()
    for setting in ("spark.sql.shuffle.partitions", "spark.sql.adaptive", ".config(", "conf.set("):
        assert setting not in source
