"""One-time migration: creates the silver Iceberg table from the latest Parquet snapshot that
the snapshot version of cdc_ingest wrote (`<source>/date=<ds>/`, with its `_SUCCESS`).

    spark-submit migrate_to_iceberg.py --source s3://data-lake/silver/customers \
        --table lake.silver.customers [--date 2026-01-31]

The rows are written as they are (same columns, same lineage) in one commit tagged
`ds-<ds>`, with the summary properties the ingest job writes (`pipeline.ds`,
`pipeline.customers`, and `pipeline.job` = this job): the next ingest date builds on it like
on any other date. Refused, nothing written, when the table already has date tags (the
migration has run, or the ingest job has), when the snapshot has no `_SUCCESS` marker (an
interrupted write) or lacks silver columns. The Parquet snapshots are left in place: delete
them once the pipeline runs on the table. Needs job_common.py and cdc_ingest.py beside it
(`--py-files` on EMR).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from cdc_ingest import PROPERTY_PREFIX, SILVER_COLUMNS, SILVER_SCHEMA, ensure_table
from job_common import (
    ArgumentParser,
    JobError,
    current_snapshot_id,
    date_tag,
    date_tags,
    normalize_root,
    parse_date,
    parse_table,
    partition_dates,
    partition_path,
    path_exists,
    run_job,
    tag_snapshot,
    with_commit_properties,
)
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

JOB = "migrate_to_iceberg"
log = logging.getLogger(JOB)


@dataclass
class MigrateOptions:
    source: str
    table: str
    date: dt.date | None = None


@dataclass
class MigrateResult:
    date: str
    snapshot_path: str
    rows: int
    snapshot_id: int


def run_migration(spark: SparkSession, options: MigrateOptions) -> MigrateResult:
    tags = date_tags(spark, options.table)
    if tags:
        raise JobError(
            f"--table: {options.table} already has date tags (latest {date_tag(max(tags))}): "
            "the migration runs once, on a table that does not exist yet"
        )
    dates = partition_dates(spark, options.source)
    if options.date is not None and options.date not in dates:
        raise JobError(f"--date: no snapshot {partition_path(options.source, options.date)}")
    if not dates:
        raise JobError(f"--source: no date=YYYY-MM-DD snapshots under {options.source}")
    ds = options.date or dates[-1]
    snapshot = partition_path(options.source, ds)
    if not path_exists(spark, f"{snapshot}/_SUCCESS"):
        raise JobError(
            f"--source: {snapshot} has no _SUCCESS marker (an interrupted write): migrate "
            "from an earlier date with --date, or re-run cdc_ingest for it first"
        )
    frame = spark.read.parquet(snapshot)
    missing = [c for c in SILVER_COLUMNS if c not in frame.columns]
    if missing:
        raise JobError(f"--source: {snapshot} lacks the silver columns {', '.join(missing)}")
    rows = frame.select(
        *[F.col(f.name).cast(f.dataType).alias(f.name) for f in SILVER_SCHEMA.fields]
    )
    count = rows.count()
    ensure_table(spark, options.table)
    properties = {
        f"{PROPERTY_PREFIX}ds": str(ds),
        f"{PROPERTY_PREFIX}job": JOB,
        f"{PROPERTY_PREFIX}customers": str(count),
        f"{PROPERTY_PREFIX}source": snapshot,
    }
    with_commit_properties(
        spark, properties, lambda: rows.writeTo(options.table).overwrite(F.lit(True))
    )
    snapshot_id = current_snapshot_id(spark, options.table)
    if snapshot_id is None:
        raise RuntimeError(f"no snapshot in {options.table} after the migration commit")
    tag_snapshot(spark, options.table, ds, snapshot_id)
    log.info(
        "%s: %d customers from %s, snapshot %d tagged %s",
        options.table,
        count,
        snapshot,
        snapshot_id,
        date_tag(ds),
    )
    return MigrateResult(str(ds), snapshot, count, snapshot_id)


def parse_args(argv: Sequence[str] | None) -> MigrateOptions:
    parser = ArgumentParser(prog=JOB, description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="root of the Parquet silver snapshots")
    parser.add_argument("--table", required=True, help="Iceberg table <catalog>.<ns>.<table>")
    parser.add_argument("--date", help="the snapshot to migrate (default: the latest)")
    args = parser.parse_args(argv)
    return MigrateOptions(
        source=normalize_root(args.source, "--source"),
        table=parse_table(args.table),
        date=parse_date(args.date) if args.date else None,
    )


def main(argv: Sequence[str] | None = None, spark: SparkSession | None = None) -> int:
    """Runs the job; returns the exit code. A session passed in is left running."""
    return run_job(JOB, argv, parse_args, lambda session, o: run_migration(session.get(), o), spark)


if __name__ == "__main__":
    sys.exit(main())
