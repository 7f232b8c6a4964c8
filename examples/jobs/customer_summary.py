"""Customer summary: the gold aggregate of one silver customers snapshot.

    spark-submit customer_summary.py --date 2026-01-02 \
        --table lake.silver.customers --output s3://data-lake/gold/customer_summary

Reads the silver Iceberg table as of the tag `ds-<ds>` and as of the latest date tag before it
(the one cdc_ingest built ds on): time travel, so a re-run for an older date sees that date's
customers. Writes one row per (segment, country, status) to `<output>/date=<ds>/` (Parquet),
overwriting that partition only:

    snapshot_date         date    ds
    segment, country, status      the group (null kept as its own group)
    customer_count        long    customers in the group at the end of ds
    total_lifetime_value  double  sum of their lifetime_value (exact decimal sum, 2 decimals)
    avg_lifetime_value    double  average over those with a value (2 decimals), null if none
    new_customers         long    in the group, touched on ds, absent from the previous snapshot
    updated_customers     long    in the group, touched on ds, present in the previous snapshot
    deleted_customers     long    in the previous snapshot with this group, gone at ds

A group whose customers were all deleted on ds still gets a row (customer_count 0).
Spark conf is the submitter's business (`--conf`); this file sets none. Needs job_common.py
beside it (`--py-files` on EMR).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from job_common import (
    ArgumentParser,
    Refusal,
    date_tag,
    date_tags,
    normalize_root,
    parse_date,
    parse_table,
    partition_path,
    run_job,
)
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DecimalType, DoubleType, LongType

JOB = "customer_summary"
log = logging.getLogger(JOB)

GROUP_COLUMNS: tuple[str, ...] = ("segment", "country", "status")
GOLD_COLUMNS: tuple[str, ...] = (
    "snapshot_date",
    *GROUP_COLUMNS,
    "customer_count",
    "total_lifetime_value",
    "avg_lifetime_value",
    "new_customers",
    "updated_customers",
    "deleted_customers",
)
# Summing doubles in whatever order the partitions arrive can change the last bits between
# runs; an exact decimal sum keeps a re-run identical.
_EXACT = DecimalType(38, 6)


@dataclass
class SummaryOptions:
    date: dt.date
    table: str
    output: str


@dataclass
class SummaryResult:
    output_partition: str
    previous_snapshot: str | None
    groups: int
    customers: int
    new_customers: int
    updated_customers: int
    deleted_customers: int


def summarize(current: DataFrame, previous: DataFrame | None, ds: dt.date) -> DataFrame:
    """The gold rows for `ds` from its snapshot and the snapshot before it."""
    ds_lit = F.lit(ds).cast("date")
    if previous is None:
        previous = current.limit(0)
    before = previous.select(F.col("customer_id").alias("_prev_id"), *GROUP_COLUMNS)
    flagged = current.join(
        before.select("_prev_id"), current.customer_id == before._prev_id, "left"
    )
    touched = F.col("_ingest_date") == ds_lit
    existed = F.col("_prev_id").isNotNull()
    present = flagged.select(
        *GROUP_COLUMNS,
        F.lit(1).alias("in_snapshot"),
        F.col("lifetime_value").cast(_EXACT).alias("ltv"),
        F.when(touched & ~existed, 1).otherwise(0).alias("is_new"),
        F.when(touched & existed, 1).otherwise(0).alias("is_updated"),
        F.lit(0).alias("is_deleted"),
    )
    gone = before.join(current, before._prev_id == current.customer_id, "left_anti").select(
        *GROUP_COLUMNS,
        F.lit(0).alias("in_snapshot"),
        F.lit(None).cast(_EXACT).alias("ltv"),
        F.lit(0).alias("is_new"),
        F.lit(0).alias("is_updated"),
        F.lit(1).alias("is_deleted"),
    )
    total = F.sum("ltv")
    return (
        present.unionByName(gone)
        .groupBy(*GROUP_COLUMNS)
        .agg(
            F.sum("in_snapshot").cast(LongType()).alias("customer_count"),
            F.coalesce(F.round(total, 2), F.lit(0))
            .cast(DoubleType())
            .alias("total_lifetime_value"),
            F.when(F.count("ltv") > 0, F.round(total / F.count("ltv"), 2))
            .cast(DoubleType())
            .alias("avg_lifetime_value"),
            F.sum("is_new").cast(LongType()).alias("new_customers"),
            F.sum("is_updated").cast(LongType()).alias("updated_customers"),
            F.sum("is_deleted").cast(LongType()).alias("deleted_customers"),
        )
        .withColumn("snapshot_date", ds_lit)
        .select(*GOLD_COLUMNS)
    )


def run_summary(spark: SparkSession, options: SummaryOptions) -> SummaryResult:
    ds = options.date
    tags = date_tags(spark, options.table)
    if ds not in tags:
        raise Refusal(
            f"silver {options.table} has no snapshot tagged {date_tag(ds)}: expected the "
            f"customers of {ds} (run cdc_ingest for {ds} first)"
        )
    earlier = [d for d in tags if d < ds]
    previous_date = earlier[-1] if earlier else None

    def as_of(day: dt.date) -> DataFrame:
        return spark.read.option("snapshot-id", tags[day]).table(options.table)

    current = as_of(ds)
    previous = as_of(previous_date) if previous_date else None
    output_partition = partition_path(options.output, ds)
    # A few hundred rows at most: one sorted file is what a reader wants.
    gold = summarize(current, previous, ds).coalesce(1).sortWithinPartitions(*GROUP_COLUMNS)
    gold.write.mode("overwrite").parquet(output_partition)

    totals = (
        spark.read.parquet(output_partition)
        .agg(
            F.count(F.lit(1)).alias("groups"),
            F.sum("customer_count").alias("customers"),
            F.sum("new_customers").alias("new"),
            F.sum("updated_customers").alias("updated"),
            F.sum("deleted_customers").alias("deleted"),
        )
        .first()
    )
    if totals is None:  # an aggregate without grouping always has its one row
        raise RuntimeError(f"no totals row read back from {output_partition}")
    result = SummaryResult(
        output_partition=output_partition,
        previous_snapshot=str(previous_date) if previous_date else None,
        groups=int(totals["groups"]),
        customers=int(totals["customers"] or 0),
        new_customers=int(totals["new"] or 0),
        updated_customers=int(totals["updated"] or 0),
        deleted_customers=int(totals["deleted"] or 0),
    )
    log.info(
        "gold %s: %d groups, %d customers (new %d, updated %d, deleted %d) against %s",
        output_partition,
        result.groups,
        result.customers,
        result.new_customers,
        result.updated_customers,
        result.deleted_customers,
        f"the snapshot of {previous_date}" if previous_date else "no earlier snapshot",
    )
    return result


def parse_args(argv: Sequence[str] | None) -> SummaryOptions:
    parser = ArgumentParser(
        prog=JOB, description="Compute the gold customer summary of a silver snapshot."
    )
    parser.add_argument("--date", required=True, help="the logical date ds, YYYY-MM-DD")
    parser.add_argument(
        "--table", required=True, help="silver Iceberg table <catalog>.<namespace>.<table>"
    )
    parser.add_argument("--output", required=True, help="gold root (s3:// URI or local path)")
    args = parser.parse_args(argv)
    return SummaryOptions(
        date=parse_date(args.date),
        table=parse_table(args.table),
        output=normalize_root(args.output, "--output"),
    )


def main(argv: Sequence[str] | None = None, spark: SparkSession | None = None) -> int:
    """Runs the job; returns the exit code. A session passed in is left running."""
    return run_job(JOB, argv, parse_args, lambda session, o: run_summary(session.get(), o), spark)


if __name__ == "__main__":
    sys.exit(main())
