"""Iceberg maintenance: keeps a silver table's date tags for a retention period, compacts the
small data and delete files the nightly merges leave, expires the snapshots nothing needs and
removes orphan files.

    spark-submit iceberg_maintenance.py --table lake.silver.customers --retention-days 35

In this order:

1. **Date tags.** Tags `ds-D` with D older than `--retention-days` before the newest date are
   dropped; the two newest are always kept (a re-run of the latest date builds on the one
   before). Tags inside the period stay, so time travel to those dates keeps working.
2. **Expiry.** `expire_snapshots` drops every snapshot older than now that no tag or branch
   references (the current one is kept) and deletes the files only they referenced.
3. **Compaction.** `rewrite_data_files` rewrites data files that have deletes or are small,
   applying the position deletes (merge-on-read leaves one delete file per night), and
   removes the delete files it made dangling; `rewrite_position_delete_files` packs the rest.
   A compaction commit (operation `replace`) changes no row: the next night's merge builds on
   it. It runs after the expiry so that its commits, and the path from the latest date's
   snapshot to them, are still there for that merge to check.
4. **Orphans.** `remove_orphan_files` deletes files under the table location that no
   snapshot references and that are older than `--orphan-age-hours` (default 72, at least 24:
   a younger file may belong to a write still in progress).

Prints one JSON line with what each step did. The catalog is the submitter's Spark conf, as for
the other jobs. Needs job_common.py beside it (`--py-files` on EMR).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from job_common import (
    ArgumentParser,
    Refusal,
    date_tag,
    date_tags,
    parse_table,
    run_job,
    table_exists,
)
from pyspark.sql import SparkSession

JOB = "iceberg_maintenance"
log = logging.getLogger(JOB)

# The newest two dates: the latest, and the one its re-run starts from.
ALWAYS_KEPT = 2
MIN_ORPHAN_AGE_HOURS = 24


@dataclass
class MaintenanceOptions:
    table: str
    retention_days: int
    orphan_age_hours: int = 72


@dataclass
class MaintenanceResult:
    table: str
    kept_tags: list[str] = field(default_factory=list)
    dropped_tags: list[str] = field(default_factory=list)
    rewritten_data_files: int = 0
    added_data_files: int = 0
    rewritten_delete_files: int = 0
    expired_data_files: int = 0
    expired_delete_files: int = 0
    expired_manifest_files: int = 0
    orphan_files: int = 0


def tags_to_drop(dates: Sequence[dt.date], retention_days: int) -> list[dt.date]:
    """Dates whose tags fall out of the retention period (never the newest two)."""
    ordered = sorted(dates)
    if len(ordered) <= ALWAYS_KEPT:
        return []
    oldest_kept = ordered[-1] - dt.timedelta(days=retention_days)
    return [d for d in ordered[:-ALWAYS_KEPT] if d < oldest_kept]


def _first(spark: SparkSession, sql: str) -> dict[str, Any]:
    rows = spark.sql(sql).collect()
    return rows[0].asDict() if rows else {}


def run_maintenance(spark: SparkSession, options: MaintenanceOptions) -> MaintenanceResult:
    table = options.table
    if not table_exists(spark, table):
        raise Refusal(f"--table: no table {table} (did the ingest job run?)")
    catalog, name = table.split(".", 1)
    result = MaintenanceResult(table=table)

    dates = list(date_tags(spark, table))
    dropped = tags_to_drop(dates, options.retention_days)
    for day in dropped:
        spark.sql(f"ALTER TABLE {table} DROP TAG IF EXISTS `{date_tag(day)}`")
    result.dropped_tags = [date_tag(d) for d in dropped]
    result.kept_tags = [date_tag(d) for d in dates if d not in dropped]

    now = dt.datetime.now(dt.timezone.utc)
    expired = _first(
        spark,
        f"CALL {catalog}.system.expire_snapshots(table => '{name}', "
        f"older_than => TIMESTAMP '{_sql_time(now)}', retain_last => 1)",
    )
    result.expired_data_files = int(expired.get("deleted_data_files_count") or 0)
    result.expired_delete_files = int(
        (expired.get("deleted_position_delete_files_count") or 0)
        + (expired.get("deleted_equality_delete_files_count") or 0)
    )
    result.expired_manifest_files = int(expired.get("deleted_manifest_files_count") or 0)

    rewrite = _first(
        spark,
        f"CALL {catalog}.system.rewrite_data_files(table => '{name}', options => map("
        "'delete-file-threshold', '1', 'remove-dangling-deletes', 'true'))",
    )
    result.rewritten_data_files = int(rewrite.get("rewritten_data_files_count") or 0)
    result.added_data_files = int(rewrite.get("added_data_files_count") or 0)
    deletes = _first(
        spark,
        f"CALL {catalog}.system.rewrite_position_delete_files(table => '{name}', "
        "options => map('rewrite-all', 'true'))",
    )
    result.rewritten_delete_files = int(deletes.get("rewritten_delete_files_count") or 0)

    cutoff = now - dt.timedelta(hours=options.orphan_age_hours)
    orphans = spark.sql(
        f"CALL {catalog}.system.remove_orphan_files(table => '{name}', "
        f"older_than => TIMESTAMP '{_sql_time(cutoff)}')"
    ).collect()
    result.orphan_files = len(orphans)

    log.info(
        "%s: kept %d date tags, dropped %d; compacted %d data files into %d and %d delete "
        "files; expired %d data and %d delete files; removed %d orphan files",
        table,
        len(result.kept_tags),
        len(result.dropped_tags),
        result.rewritten_data_files,
        result.added_data_files,
        result.rewritten_delete_files,
        result.expired_data_files,
        result.expired_delete_files,
        result.orphan_files,
    )
    print(json.dumps({"job": JOB, **asdict(result)}), flush=True)
    return result


def _sql_time(moment: dt.datetime) -> str:
    """A UTC moment as a Spark SQL timestamp literal in the session's time zone (UTC set by
    the submitter or not: the offset is written out)."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f+00:00")


def parse_args(argv: Sequence[str] | None) -> MaintenanceOptions:
    parser = ArgumentParser(prog=JOB, description=__doc__.splitlines()[0])
    parser.add_argument("--table", required=True, help="Iceberg table <catalog>.<ns>.<table>")
    parser.add_argument(
        "--retention-days",
        required=True,
        help="keep the date tags of this many days before the newest date (time travel)",
    )
    parser.add_argument(
        "--orphan-age-hours",
        default="72",
        help=f"remove unreferenced files older than this (at least {MIN_ORPHAN_AGE_HOURS})",
    )
    args = parser.parse_args(argv)
    retention = _whole(args.retention_days, "--retention-days", 0)
    orphan_age = _whole(args.orphan_age_hours, "--orphan-age-hours", MIN_ORPHAN_AGE_HOURS)
    return MaintenanceOptions(parse_table(args.table), retention, orphan_age)


def _whole(text: str, name: str, minimum: int) -> int:
    if not text.strip().isdigit() or int(text) < minimum:
        raise Refusal(f"{name}: expected a whole number of at least {minimum}, got '{text}'")
    return int(text)


def main(argv: Sequence[str] | None = None, spark: SparkSession | None = None) -> int:
    """Runs the job; returns the exit code. A session passed in is left running."""
    return run_job(
        JOB, argv, parse_args, lambda session, o: run_maintenance(session.get(), o), spark
    )


if __name__ == "__main__":
    sys.exit(main())
