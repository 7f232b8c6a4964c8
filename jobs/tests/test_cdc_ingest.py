"""cdc_ingest against local PySpark and Iceberg: hand-written bronze days and the silver table
computed by hand, read back per date through the date tags (time travel)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cdc_ingest
import pytest
from cdc_ingest import IngestOptions, JobError, normalize_root, parse_date, partition_path
from conftest import new_table
from job_common import REFUSAL_EXIT_CODE, date_tags, iceberg_table, snapshot_summary
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

D1, D2, D3 = "2026-01-01", "2026-01-02", "2026-01-03"


def change(
    op: str, seq: int | str, ts: str, customer_id: str | None, **values: Any
) -> dict[str, Any]:
    """A bronze change line; the customer columns default to a plausible full row image."""
    row: dict[str, Any] = {
        "op": op,
        "change_seq": seq,
        "change_ts": ts,
        "customer_id": customer_id,
        "first_name": "Ann",
        "last_name": "Lee",
        "email": f"{(customer_id or 'x').lower()}@example.com",
        "phone": "+1 555 0100",
        "country": "US",
        "segment": "consumer",
        "status": "active",
        "lifetime_value": 10.0,
        "created_at": "2026-01-01T08:00:00Z",
        "updated_at": ts,
    }
    row.update(values)
    return row


def write_bronze(
    root: Path,
    ds: str,
    lines: list[dict[str, Any] | str],
    success: bool = True,
    name: str = "part-00000",
) -> Path:
    folder = root / f"date={ds}"
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    (folder / f"{name}.json").write_text(text, encoding="utf-8")
    if success:
        (folder / "_SUCCESS").write_bytes(b"")
    return folder


# Day 1: the initial load, with an update written before the insert it follows (out of order),
# the same update delivered twice, and a customer inserted and deleted within the day.
DAY1: list[dict[str, Any] | str] = [
    change("U", 105, "2026-01-01T09:00:00Z", "C1", status="inactive", lifetime_value=150.25),
    change("I", 100, "2026-01-01T08:00:00Z", "C1", lifetime_value=100.5),
    change(
        "I",
        101,
        "2026-01-01T08:05:00Z",
        "C2",
        first_name="Bo",
        last_name="Kim",
        country="GB",
        segment="smb",
        lifetime_value="20",
    ),
    change(
        "I",
        102,
        "2026-01-01T08:10:00Z",
        "C3",
        first_name="Cy",
        country="DE",
        segment="enterprise",
        lifetime_value=1000,
    ),
    change("U", 105, "2026-01-01T09:00:00Z", "C1", status="inactive", lifetime_value=150.25),
    change("D", 104, "2026-01-01T08:20:00Z", "C4"),
    change("I", 103, "2026-01-01T08:15:00Z", "C4"),
]

# Day 2: latest-wins by sequence (not by timestamp), a delete beating an earlier update, a
# stale change older than the snapshot's row, an update and deletes for unknown customers,
# ties on sequence, and one bad row of every kind.
DAY2: list[dict[str, Any] | str] = [
    change("U", 210, "2026-01-02T10:00:00Z", "C2", first_name="Bo", last_name="Kim",
           country="GB", segment="smb", lifetime_value=30),
    change("U", 205, "2026-01-02T11:00:00Z", "C2", first_name="Bo", last_name="Kim",
           country="GB", segment="smb", lifetime_value=25),
    change("D", 220, "2026-01-02T12:00:00Z", "C3"),
    change("U", 215, "2026-01-02T11:30:00Z", "C3", status="churned"),
    change("U", 90, "2026-01-02T07:00:00Z", "C1", status="churned"),
    change("U", 230, "2026-01-02T13:00:00Z", "C9", first_name="Ivy", country="FR"),
    change("D", 231, "2026-01-02T13:01:00Z", "C8"),
    change("I", 240, "2026-01-02T14:00:00Z", "C5", first_name="Eve"),
    change("U", 240, "2026-01-02T14:00:00Z", "C5", first_name="Eva"),
    change("U", 250, "2026-01-02T15:30:00Z", "C6", lifetime_value=2),
    change("U", 250, "2026-01-02T15:00:00Z", "C6", lifetime_value=1),
    change("D", 260, "2026-01-02T16:00:00Z", "C7", lifetime_value="junk"),
    '{"op":"U","change_seq":270,"customer_id":"C2","first_',
    change("U", 271, "2026-01-02T16:00:00Z", None),
    change("U", 272, "2026-01-02T16:00:00Z", "   "),
    change("X", 273, "2026-01-02T16:00:00Z", "C2"),
    change("U", "27x4", "2026-01-02T16:00:00Z", "C2"),
    change("U", 275, "yesterday", "C2"),
    change("U", 276, "2026-01-02T16:00:00Z", "C2", lifetime_value="1,5"),
    change("I", 277, "2026-01-02T16:00:00Z", "C2", created_at="02/01/2026"),
]  # fmt: skip


def customer(
    customer_id: str,
    seq: int,
    op: str,
    ingest_date: str,
    updated_at: str,
    **values: Any,
) -> dict[str, Any]:
    """A silver row as the tests read it back (timestamps as UTC ISO strings)."""
    row: dict[str, Any] = {
        "customer_id": customer_id,
        "first_name": "Ann",
        "last_name": "Lee",
        "email": f"{customer_id.lower()}@example.com",
        "phone": "+1 555 0100",
        "country": "US",
        "segment": "consumer",
        "status": "active",
        "lifetime_value": 10.0,
        "created_at": "2026-01-01T08:00:00Z",
        "updated_at": updated_at,
        "_cdc_seq": seq,
        "_cdc_op": op,
        "_ingest_date": ingest_date,
    }
    row.update(values)
    return row


SILVER_D1 = [
    customer("C1", 105, "U", D1, "2026-01-01T09:00:00Z", status="inactive", lifetime_value=150.25),
    customer("C2", 101, "I", D1, "2026-01-01T08:05:00Z", first_name="Bo", last_name="Kim",
             country="GB", segment="smb", lifetime_value=20.0),
    customer("C3", 102, "I", D1, "2026-01-01T08:10:00Z", first_name="Cy", country="DE",
             segment="enterprise", lifetime_value=1000.0),
]  # fmt: skip

SILVER_D2 = [
    SILVER_D1[0],  # the stale change (seq 90 < 105) leaves C1 as it was
    customer("C2", 210, "U", D2, "2026-01-02T10:00:00Z", first_name="Bo", last_name="Kim",
             country="GB", segment="smb", lifetime_value=30.0),
    customer("C5", 240, "U", D2, "2026-01-02T14:00:00Z", first_name="Eva"),
    customer("C6", 250, "U", D2, "2026-01-02T15:30:00Z", lifetime_value=2.0),
    customer("C9", 230, "U", D2, "2026-01-02T13:00:00Z", first_name="Ivy", country="FR"),
]  # fmt: skip


@dataclass
class Lake:
    """A test lake: bronze and the ingest reports in a folder, silver in its own table."""

    root: Path
    table: str

    @property
    def bronze(self) -> Path:
        return self.root / "bronze"

    @property
    def reports(self) -> Path:
        return self.root / "ingest"


def new_lake(tmp_path: Path) -> Lake:
    return Lake(tmp_path / "lake", new_table())


def read_silver(spark: SparkSession, lake: Lake, ds: str) -> list[dict[str, Any]]:
    """The table as of the date's tag."""
    frame = spark.read.option("tag", f"ds-{ds}").table(lake.table)
    assert [f.name for f in frame.schema.fields] == list(cdc_ingest.SILVER_COLUMNS)
    iso = "yyyy-MM-dd'T'HH:mm:ss'Z'"
    rows = frame.select(
        *[
            F.date_format(c, iso).alias(c)
            if c in ("created_at", "updated_at")
            else F.col(c).cast("string").alias(c)
            if c == "_ingest_date"
            else F.col(c)
            for c in cdc_ingest.SILVER_COLUMNS
        ]
    ).collect()
    return sorted((row.asDict() for row in rows), key=lambda r: r["customer_id"])


def read_report(lake: Lake, ds: str) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(
        (lake.reports / "_reports" / f"date={ds}" / "ingest.json").read_text()
    )
    return report


def options(lake: Lake, ds: str, **extra: Any) -> IngestOptions:
    return IngestOptions(
        date=parse_date(ds),
        source=str(lake.bronze),
        table=lake.table,
        reports=str(lake.reports),
        **extra,
    )


def run_cli(spark: SparkSession, lake: Lake, ds: str, *flags: str) -> int:
    argv = ["--date", ds, "--source", str(lake.bronze), "--table", lake.table]
    return cdc_ingest.main([*argv, "--reports", str(lake.reports), *flags], spark=spark)


def build_two_days(spark: SparkSession, root: Path) -> Lake:
    """A lake with DAY1 and DAY2 ingested, in order."""
    lake = new_lake(root)
    write_bronze(lake.bronze, D1, DAY1)
    write_bronze(lake.bronze, D2, DAY2)
    cdc_ingest.run_ingest(spark, options(lake, D1))
    cdc_ingest.run_ingest(spark, options(lake, D2))
    return lake


@pytest.fixture(scope="module")
def two_days(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> Lake:
    """The shared two-day lake; tests that write to silver build their own."""
    return build_two_days(spark, tmp_path_factory.mktemp("shared"))


def summaries(spark: SparkSession, lake: Lake) -> dict[str, dict[str, str]]:
    """Snapshot summary per date tag."""
    return {
        str(ds): snapshot_summary(spark, lake.table, snapshot)
        for ds, snapshot in date_tags(spark, lake.table).items()
    }


# ------------------------------------------------------------------------------ merge results


def test_first_day_builds_the_table_from_the_days_changes(
    spark: SparkSession, two_days: Lake
) -> None:
    assert read_silver(spark, two_days, D1) == SILVER_D1
    report = read_report(two_days, D1)
    assert report["previous_date"] is None
    assert {
        k: report[k]
        for k in (
            "input_rows",
            "valid_changes",
            "bad_rows",
            "duplicate_changes",
            "superseded_changes",
            "customers_changed",
            "inserted",
            "updated",
            "deleted",
            "deletes_of_unknown",
            "rows_written",
        )
    } == {
        "input_rows": 7,
        "valid_changes": 7,
        "bad_rows": 0,
        "duplicate_changes": 1,
        "superseded_changes": 3,
        "customers_changed": 4,
        "inserted": 3,
        "updated": 0,
        "deleted": 0,
        "deletes_of_unknown": 1,
        "rows_written": 3,
    }
    assert not (two_days.reports / "_rejected" / f"date={D1}").exists()


def test_second_day_merges_the_latest_change_per_customer_into_the_table(
    spark: SparkSession, two_days: Lake
) -> None:
    assert read_silver(spark, two_days, D2) == SILVER_D2
    report = read_report(two_days, D2)
    assert report["previous_date"] == D1
    assert report["status"] == "succeeded"
    assert {
        k: report[k]
        for k in (
            "valid_changes",
            "duplicate_changes",
            "superseded_changes",
            "customers_changed",
            "stale_changes",
            "inserted",
            "updated",
            "deleted",
            "deletes_of_unknown",
            "unchanged",
            "rows_written",
        )
    } == {
        "valid_changes": 12,
        "duplicate_changes": 0,
        "superseded_changes": 4,
        "customers_changed": 8,
        "stale_changes": 1,
        "inserted": 3,
        "updated": 1,
        "deleted": 1,
        "deletes_of_unknown": 2,
        "unchanged": 0,
        "rows_written": 5,
    }


def test_each_date_is_one_tagged_commit_with_its_summary_properties(
    spark: SparkSession, two_days: Lake
) -> None:
    table = iceberg_table(spark, two_days.table)
    snapshots = list(table.snapshots())
    assert len(snapshots) == 2  # one commit per date, nothing else
    tags = date_tags(spark, two_days.table)
    assert list(tags) == [parse_date(D1), parse_date(D2)]
    assert tags[parse_date(D2)] == int(table.currentSnapshot().snapshotId())
    report = read_report(two_days, D2)
    assert report["snapshot_id"] == tags[parse_date(D2)]
    summary = summaries(spark, two_days)
    assert {k: v for k, v in summary[D2].items() if k.startswith("pipeline.")} == {
        "pipeline.ds": D2,
        "pipeline.job": "cdc_ingest",
        "pipeline.customers": "5",
        "pipeline.input-rows": "20",
        "pipeline.bad-rows": "8",
        "pipeline.inserted": "3",
        "pipeline.updated": "1",
        "pipeline.deleted": "1",
        "pipeline.stale": "1",
    }
    assert summary[D1]["pipeline.ds"] == D1 and summary[D1]["pipeline.customers"] == "3"
    # Merge-on-read: the second night wrote the changed rows and a delete file, and left the
    # first night's data file in place.
    assert int(summary[D2]["added-delete-files"]) >= 1
    assert summary[D2].get("deleted-data-files") is None


def test_bad_rows_are_counted_reported_and_kept_not_applied(
    spark: SparkSession, two_days: Lake
) -> None:
    report = read_report(two_days, D2)
    assert report["input_rows"] == 20
    assert report["bad_rows"] == 8
    assert report["bad_rows_by_reason"] == {
        "malformed_record": 1,
        "null_key": 2,
        "unknown_op": 1,
        "bad_change_seq": 1,
        "bad_change_ts": 1,
        "bad_lifetime_value": 1,
        "bad_created_at": 1,
    }
    rejected = two_days.reports / "_rejected" / f"date={D2}"
    assert report["rejected_rows_path"] == str(rejected)
    kept = [
        json.loads(line)
        for file in sorted(rejected.glob("*.json"))
        for line in file.read_text().splitlines()
    ]
    assert sorted(row["reject_reason"] for row in kept) == sorted(
        reason for reason, n in report["bad_rows_by_reason"].items() for _ in range(n)
    )
    malformed = [row for row in kept if row["reject_reason"] == "malformed_record"]
    assert malformed[0]["_corrupt_record"].startswith('{"op":"U","change_seq":270')
    # None of them reached silver: C2 keeps its seq-210 image.
    silver = {r["customer_id"]: r for r in read_silver(spark, two_days, D2)}
    assert silver["C2"]["_cdc_seq"] == 210


def test_rerunning_the_latest_date_gives_identical_table_report_and_rejects(
    spark: SparkSession, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lake = build_two_days(spark, tmp_path)
    report_file = lake.reports / "_reports" / f"date={D2}" / "ingest.json"
    rejects = lake.reports / "_rejected" / f"date={D2}"

    def rejected_lines() -> list[str]:
        return sorted(line for f in rejects.glob("*.json") for line in f.read_text().splitlines())

    before = json.loads(report_file.read_text())
    rejects_before = rejected_lines()
    first_snapshot = date_tags(spark, lake.table)[parse_date(D2)]

    caplog.clear()  # building the lake logged D2's bad rows once already
    with caplog.at_level("WARNING", logger="cdc_ingest"):
        cdc_ingest.run_ingest(spark, options(lake, D2))
    # The bad rows are logged in one line.
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"8 bad rows of 20 in {lake.bronze}/date={D2}")
    assert "null_key=2" in warnings[0] and "malformed_record=1" in warnings[0]
    assert run_cli(spark, lake, D2) == 0

    assert read_silver(spark, lake, D2) == SILVER_D2
    # The current table is the new D2 commit, built on D1's snapshot (not on the first D2).
    table = iceberg_table(spark, lake.table)
    current = table.currentSnapshot()
    assert int(current.parentId()) == date_tags(spark, lake.table)[parse_date(D1)]
    assert int(current.snapshotId()) == date_tags(spark, lake.table)[parse_date(D2)]
    assert int(current.snapshotId()) != first_snapshot
    spark_rows = spark.table(lake.table).count()
    assert spark_rows == len(SILVER_D2)
    after = json.loads(report_file.read_text())
    assert {k: v for k, v in after.items() if k != "snapshot_id"} == {
        k: v for k, v in before.items() if k != "snapshot_id"
    }
    assert rejected_lines() == rejects_before
    assert summaries(spark, lake)[D2]["pipeline.customers"] == "5"


def test_the_result_does_not_depend_on_file_order_or_file_split(
    spark: SparkSession, tmp_path: Path
) -> None:
    lake = new_lake(tmp_path)
    write_bronze(lake.bronze, D1, DAY1[::-1][:4], name="part-00000")
    write_bronze(lake.bronze, D1, DAY1[::-1][4:], name="part-00001")
    folder = lake.bronze / f"date={D1}"
    # And a gzipped export file is read too.
    text = "".join(json.dumps(line) + "\n" for line in DAY1[:2])
    (folder / "part-00002.json.gz").write_bytes(gzip.compress(text.encode("utf-8")))
    cdc_ingest.run_ingest(spark, options(lake, D1))
    assert read_silver(spark, lake, D1) == SILVER_D1


def test_a_day_with_only_the_marker_is_a_tagged_commit_with_the_same_rows(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = build_two_days(spark, tmp_path)
    # First an export without its marker: refused unless asked.
    write_bronze(lake.bronze, D3, [change("U", 300, "2026-01-03T01:00:00Z", "C1")], False)
    assert run_cli(spark, lake, D3) == REFUSAL_EXIT_CODE
    assert "has no _SUCCESS marker" in capsys.readouterr().err
    assert parse_date(D3) not in date_tags(spark, lake.table)

    # Then the real D3: only the marker.
    (lake.bronze / f"date={D3}" / "part-00000.json").unlink()
    (lake.bronze / f"date={D3}" / "_SUCCESS").write_bytes(b"")
    report = cdc_ingest.run_ingest(spark, options(lake, D3))
    assert read_silver(spark, lake, D3) == SILVER_D2
    assert (report.input_rows, report.unchanged, report.rows_written) == (0, 5, 5)
    assert summaries(spark, lake)[D3]["pipeline.ds"] == D3
    # Earlier dates still read as they were.
    assert read_silver(spark, lake, D1) == SILVER_D1


def test_no_require_success_ingests_an_export_without_marker(
    spark: SparkSession, tmp_path: Path
) -> None:
    lake = new_lake(tmp_path)
    write_bronze(lake.bronze, D1, DAY1, success=False)
    assert run_cli(spark, lake, D1, "--no-require-success") == 0
    assert read_silver(spark, lake, D1) == SILVER_D1


def test_a_late_change_for_a_customer_deleted_earlier_recreates_it(
    spark: SparkSession, tmp_path: Path
) -> None:
    # C3 is deleted on D2 (seq 220). An update with an older sequence arriving on D3 cannot
    # be told from a re-creation: silver keeps no tombstones, so it inserts the customer.
    lake = build_two_days(spark, tmp_path)
    assert "C3" not in {r["customer_id"] for r in read_silver(spark, lake, D2)}
    write_bronze(lake.bronze, D3, [change("U", 219, "2026-01-03T08:00:00Z", "C3")])
    report = cdc_ingest.run_ingest(spark, options(lake, D3))
    rows = {r["customer_id"]: r for r in read_silver(spark, lake, D3)}
    assert rows["C3"]["_cdc_seq"] == 219 and rows["C3"]["_ingest_date"] == D3
    assert report.inserted == 1 and report.stale_changes == 0


# ----------------------------------------------------------------------- refusals and errors


def test_missing_bronze_partition_fails_with_one_clear_line(
    spark: SparkSession, two_days: Lake, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(spark, two_days, "2026-02-01") == REFUSAL_EXIT_CODE
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"cdc_ingest: refused: bronze partition {two_days.bronze}/date=2026-02-01 not found: "
        "expected the day's CDC export (JSON lines files and a _SUCCESS marker)"
    ]
    assert parse_date("2026-02-01") not in date_tags(spark, two_days.table)


def test_an_earlier_date_is_refused_and_allow_rewrite_replays_the_later_dates(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = build_two_days(spark, tmp_path)
    snapshots_before = len(list(iceberg_table(spark, lake.table).snapshots()))
    assert run_cli(spark, lake, D1) == REFUSAL_EXIT_CODE
    message = capsys.readouterr().err.strip()
    assert message.count("\n") == 0
    assert f"already has later dates ({D2})" in message and "--allow-rewrite" in message
    assert len(list(iceberg_table(spark, lake.table).snapshots())) == snapshots_before

    # D1's export was corrected: C2 is now a different person. The rewrite replays D2 on it.
    corrected = [*DAY1, change("U", 106, "2026-01-01T09:30:00Z", "C2", first_name="Bob")]
    write_bronze(lake.bronze, D1, corrected)
    assert run_cli(spark, lake, D1, "--allow-rewrite") == 0
    d1 = {r["customer_id"]: r for r in read_silver(spark, lake, D1)}
    assert d1["C2"]["first_name"] == "Bob" and d1["C2"]["_cdc_seq"] == 106
    # D2 was replayed on the new D1: its own C2 change (seq 210) still wins, the rest is equal.
    assert read_silver(spark, lake, D2) == SILVER_D2
    assert read_report(lake, D1)["replayed_dates"] == [D2]
    tags = date_tags(spark, lake.table)
    table = iceberg_table(spark, lake.table)
    assert int(table.snapshot(tags[parse_date(D2)]).parentId()) == tags[parse_date(D1)]
    assert int(table.currentSnapshot().snapshotId()) == tags[parse_date(D2)]


def test_skipping_an_unprocessed_bronze_date_is_refused_unless_asked(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = new_lake(tmp_path)
    write_bronze(lake.bronze, D1, DAY1)
    write_bronze(lake.bronze, D2, DAY2)
    assert run_cli(spark, lake, D2) == REFUSAL_EXIT_CODE
    message = capsys.readouterr().err
    assert f"bronze has changes for {D1} that silver has not applied" in message
    assert not spark.catalog.tableExists(lake.table)

    assert run_cli(spark, lake, D2, "--allow-gaps") == 0
    ids = [r["customer_id"] for r in read_silver(spark, lake, D2)]
    # Without the first day, C1 is created by its (otherwise stale) update and C3 never exists.
    assert ids == ["C1", "C2", "C5", "C6", "C9"]


def test_too_many_bad_rows_fail_the_run_and_leave_silver_alone(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = new_lake(tmp_path)
    write_bronze(lake.bronze, D1, DAY1)
    write_bronze(lake.bronze, D2, DAY2)
    assert run_cli(spark, lake, D1) == 0
    assert run_cli(spark, lake, D2, "--max-bad-fraction", "0.25") == 1
    assert "8 of 20 bad rows (40.00%)" in capsys.readouterr().err
    assert list(date_tags(spark, lake.table)) == [parse_date(D1)]
    assert len(list(iceberg_table(spark, lake.table).snapshots())) == 1
    report = read_report(lake, D2)
    assert report["status"] == "failed" and report["bad_rows"] == 8

    assert run_cli(spark, lake, D2, "--max-bad-fraction", "0.5") == 0
    assert read_silver(spark, lake, D2) == SILVER_D2


def test_an_export_of_mostly_bad_rows_fails_by_default(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = new_lake(tmp_path)
    lines: list[dict[str, Any] | str] = ["op;change_seq;customer_id", "U;1;C1", DAY1[1]]
    write_bronze(lake.bronze, D1, lines)
    assert run_cli(spark, lake, D1) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "2 of 3 bad rows (66.67%)" in err[0]
    assert "exceed --max-bad-fraction 0.5" in err[0]
    assert not spark.catalog.tableExists(lake.table)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--date", "2026-13-01"], "--date: expected a date YYYY-MM-DD, got '2026-13-01'"),
        (["--date", "20260101"], "--date: expected a date YYYY-MM-DD, got '20260101'"),
        (["--date", D1, "--source", "s3://"], "--source: expected s3://<bucket>/<prefix>"),
        (["--date", D1, "--table", "customers"], "--table: expected an Iceberg table"),
        (["--date", D1, "--table", "lake.silver.cust-omers"], "--table: expected an Iceberg"),
        (["--date", D1, "--max-bad-fraction", "2"], "--max-bad-fraction: expected a number"),
        (["--date", D1, "--max-bad-fraction", "x"], "argument --max-bad-fraction: invalid float"),
        ([], "the following arguments are required: --date"),
    ],
)
def test_bad_arguments_fail_with_one_line(
    spark: SparkSession,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    expected: str,
) -> None:
    defaults = {
        "--source": str(tmp_path / "b"),
        "--table": "lake.silver.customers",
        "--reports": str(tmp_path / "r"),
    }
    for flag, value in defaults.items():
        if flag not in argv:
            argv = [*argv, flag, value]
    # A bad argument stays bad on a re-run: a refusal, which is neither re-submitted nor re-run.
    assert cdc_ingest.main(argv, spark=spark) == REFUSAL_EXIT_CODE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"cdc_ingest: refused: {expected}")


def test_an_s3_uri_is_passed_to_hadoop_and_an_unusable_one_is_one_line(
    spark: SparkSession, capsys: pytest.CaptureFixture[str]
) -> None:
    # The test session has no S3 file system (hadoop-aws is not on its classpath): the job
    # must still fail with one line naming the URI, not a Java stack trace.
    argv = ["--date", D1, "--source", "s3://data-lake/bronze/customers/"]
    argv += ["--table", "lake.silver.customers", "--reports", "s3://data-lake/silver/_ingest"]
    code = cdc_ingest.main(argv, spark=spark)
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(
        f"cdc_ingest: error: cannot access s3://data-lake/bronze/customers/date={D1}: "
    )
    assert "s3" in err[0].split(": ", 3)[-1]


# --------------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("s3://data-lake/bronze/customers/", "s3://data-lake/bronze/customers"),
        ("s3://data-lake", "s3://data-lake"),
        ("s3a://data-lake/silver/customers", "s3a://data-lake/silver/customers"),
        ("file:///tmp/lake/bronze/", "file:///tmp/lake/bronze"),
        ("/tmp/lake/bronze/customers/", "/tmp/lake/bronze/customers"),
    ],
)
def test_roots_accept_s3_uris_and_local_paths(given: str, expected: str) -> None:
    assert normalize_root(given, "--source") == expected


def test_a_relative_local_root_becomes_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert normalize_root("lake/bronze/", "--source") == str(tmp_path / "lake" / "bronze")


@pytest.mark.parametrize("given", ["", "  ", "s3://", "s3:///prefix", "s3a:bucket"])
def test_unusable_roots_are_refused(given: str) -> None:
    with pytest.raises(JobError, match=r"^--target: expected"):
        normalize_root(given, "--target")


def test_partition_paths_use_the_lake_layout() -> None:
    assert partition_path("s3://lake/silver/customers", "2026-01-02") == (
        "s3://lake/silver/customers/date=2026-01-02"
    )
    assert partition_path("/lake/bronze/", parse_date("2026-01-02")) == (
        "/lake/bronze/date=2026-01-02"
    )


def test_the_job_leaves_spark_conf_to_the_submitter() -> None:
    source = Path(cdc_ingest.__file__).read_text()
    for setting in ("spark.sql.shuffle.partitions", "spark.sql.adaptive", ".config(", "conf.set("):
        assert setting not in source


def test_an_empty_first_export_commits_an_empty_table(spark: SparkSession, tmp_path: Path) -> None:
    lake = new_lake(tmp_path)
    write_bronze(lake.bronze, D1, [])
    report = cdc_ingest.run_ingest(spark, options(lake, D1))
    assert read_silver(spark, lake, D1) == []
    assert (report.input_rows, report.rows_written, report.customers_changed) == (0, 0, 0)


def _line(row: dict[str, Any]) -> str:
    return json.dumps(row)


def keyed(seq: int, key: Any) -> dict[str, Any]:
    """An insert whose customer_id is any JSON value."""
    return {**change("I", seq, f"2026-01-01T08:{seq - 100:02d}:00Z", "K"), "customer_id": key}


# Lines that are JSON but not one change, and keys and timestamps that only look usable. The
# good rows around them prove the check is per line: C1, C2 and the number key 42 are applied.
SHAPES: list[dict[str, Any] | str] = [
    change("I", 100, "2026-01-01T08:00:00Z", "C1"),
    "[]",
    "[" + _line(change("I", 101, "2026-01-01T08:01:00Z", "C10")) + ", "
    + _line(change("I", 102, "2026-01-01T08:02:00Z", "C11")) + "]",
    "[" + _line(change("I", 103, "2026-01-01T08:03:00Z", "C12")) + "]",
    "3",
    '"C13"',
    "null",
    _line(change("I", 104, "2026-01-01T08:04:00Z", "C14"))
    + _line(change("I", 105, "2026-01-01T08:05:00Z", "C15")),
    _line(change("I", 106, "2026-01-01T08:06:00Z", "C16")) + " trailing",
    keyed(107, {"id": "C17"}),
    keyed(108, ["C18"]),
    keyed(109, True),
    change("I", 110, "2026", "C20"),
    change("I", 111, "2026-01-01", "C21"),
    keyed(112, 42),
    # Strings that read like the rejected kinds are keys like any other.
    change("I", 113, "2026-01-01T08:13:00Z", "{C2}", email="c2@example.com"),
    change("I", 114, "2026-01-01T08:14:00Z", "true", email="t@example.com"),
    "",
    "   ",
]  # fmt: skip


def test_lines_that_are_not_one_object_and_unusable_keys_are_rejected_with_a_reason(
    spark: SparkSession, tmp_path: Path
) -> None:
    lake = new_lake(tmp_path)
    write_bronze(lake.bronze, D1, SHAPES)
    report = cdc_ingest.run_ingest(spark, options(lake, D1, max_bad_fraction=1.0))
    # The two blank lines are layout; each other line is one row, applied or rejected.
    assert report.input_rows == len(SHAPES) - 2
    assert report.bad_rows_by_reason == {
        "malformed_record": 2,  # two objects on one line; an object followed by text
        "not_an_object": 6,  # [], a list of two, a list of one, 3, a string, null
        "bad_customer_id": 3,  # an object, a list, a boolean
        "bad_change_ts": 2,  # only a year, only a date
    }
    assert report.bad_rows == 13
    silver = read_silver(spark, lake, D1)
    assert [row["customer_id"] for row in silver] == ["42", "C1", "true", "{C2}"]

    rejected = lake.reports / "_rejected" / f"date={D1}"
    kept = [
        json.loads(line)
        for file in sorted(rejected.glob("*.json"))
        for line in file.read_text().splitlines()
    ]
    by_reason: dict[str, list[str]] = {}
    for row in kept:
        by_reason.setdefault(row["reject_reason"], []).append(
            row.get("_corrupt_record") or row["customer_id"]
        )
    assert sorted(by_reason["not_an_object"]) == sorted(
        ["[]", SHAPES[2], SHAPES[3], "3", '"C13"', "null"], key=str
    )
    assert sorted(by_reason["malformed_record"]) == sorted([SHAPES[7], SHAPES[8]], key=str)
    assert sorted(by_reason["bad_change_ts"]) == ["C20", "C21"]
