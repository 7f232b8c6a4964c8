"""CDC ingest: merge one day's Oracle change export (bronze) into the silver customers table.

    spark-submit cdc_ingest.py --date 2026-01-02 --source s3://data-lake/bronze/customers \
        --table lake.silver.customers --reports s3://data-lake/silver/_ingest/customers

Silver is an Apache Iceberg table (merge-on-read). For ``ds`` the job takes the table as of the
latest earlier date's tag, applies the changes in ``<source>/date=<ds>/`` with one ``MERGE INTO``
and tags the commit ``ds-<ds>`` (its summary carries ``pipeline.ds`` and the row counts). Per
customer the latest change wins (change_seq, then change_ts, then the operation D > U > I, then
the row's values: deterministic whatever the file order), a delete removes the customer, a
change not newer than the table's row is ignored as stale. Rows that cannot be applied
(malformed JSON, a line that is not one object, no key or one that is not a string or number,
unknown operation, unparsable values, a change_ts without a time of day) are counted, logged,
kept in ``<reports>/_rejected/date=<ds>/`` and summarised in
``<reports>/_reports/date=<ds>/ingest.json``. Re-running the latest date moves the table back to
the previous date's snapshot first, so it gives the same content; an older date needs
``--allow-rewrite``, which replays the later dates after it.

Formats, refusals, layout and options: jobs/README.md. The catalog (Glue on EMR, a Hadoop
catalog locally), adaptive execution and shuffle partitions are the submitter's Spark conf
(``--conf``); this file sets none. Needs job_common.py beside it (``--py-files`` on EMR).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

from job_common import (
    BRONZE_COLUMNS,
    CUSTOMER_COLUMNS,
    ArgumentParser,
    JobError,
    Refusal,
    current_snapshot_id,
    date_tag,
    date_tags,
    delete_path,
    iceberg_table,
    list_children,
    normalize_root,
    parse_date,
    parse_table,
    partition_dates,
    partition_path,
    path_exists,
    run_job,
    snapshot_summary,
    tag_snapshot,
    with_commit_properties,
    write_text,
)
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import (
    DateType,
    DoubleType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

JOB = "cdc_ingest"
log = logging.getLogger(JOB)

CORRUPT_COLUMN = "_corrupt_record"
LINE_PROBLEM_COLUMN = "_line_problem"
LINE_COLUMN = "_line"
# Everything is read as text so that an unparsable value is seen and reported, not nulled.
BRONZE_SCHEMA = StructType(
    [StructField(name, StringType(), True) for name in (*BRONZE_COLUMNS, CORRUPT_COLUMN)]
)

SILVER_SCHEMA = StructType(
    [
        StructField("customer_id", StringType(), False),
        StructField("first_name", StringType(), True),
        StructField("last_name", StringType(), True),
        StructField("email", StringType(), True),
        StructField("phone", StringType(), True),
        StructField("country", StringType(), True),
        StructField("segment", StringType(), True),
        StructField("status", StringType(), True),
        StructField("lifetime_value", DoubleType(), True),
        StructField("created_at", TimestampType(), True),
        StructField("updated_at", TimestampType(), True),
        StructField("_cdc_seq", LongType(), True),
        StructField("_cdc_op", StringType(), True),
        StructField("_ingest_date", DateType(), True),
    ]
)
SILVER_COLUMNS: tuple[str, ...] = tuple(f.name for f in SILVER_SCHEMA.fields)

Op = Literal["I", "U", "D"]
OPERATIONS: tuple[Op, ...] = get_args(Op)
# When two changes of a key share sequence and timestamp, a delete outranks an update, which
# outranks an insert: the most destructive reading of an ambiguous export.
OP_RANK: dict[Op, int] = {"I": 0, "U": 1, "D": 2}
# What a day's winning change does to the table's row (effective_changes' `_action`).
ChangeAction = Literal["inserted", "updated", "deleted", "delete_unknown", "stale"]
RejectReason = Literal[
    "malformed_record",
    "not_an_object",
    "null_key",
    "bad_customer_id",
    "unknown_op",
    "bad_change_seq",
    "bad_change_ts",
    "bad_lifetime_value",
    "bad_created_at",
    "bad_updated_at",
]
REJECT_REASONS: tuple[RejectReason, ...] = get_args(RejectReason)
REPORT_VERSION = 2

_INTEGER_RE = r"^[+-]?[0-9]+$"
# A change's moment needs a time of day: Spark casts "2026" or "2026-01-02" to midnight, which
# would order the change against the day's others by a time the export never gave.
_CHANGE_TS_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"
_NUMBER_RE = r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$"


# ------------------------------------------------------------------ Hadoop file system access


def data_files(spark: SparkSession, uri: str) -> list[str]:
    """Files Spark would read under `uri` (Hadoop's hidden-file rule: no `_` or `.` prefix)."""
    return sorted(
        name
        for name, is_dir in list_children(spark, uri)
        if not is_dir and not name.startswith(("_", "."))
    )


# ---------------------------------------------------------------------------- the job itself


@dataclass
class IngestOptions:
    date: dt.date
    source: str
    table: str
    reports: str
    allow_rewrite: bool = False
    allow_gaps: bool = False
    require_success: bool = True
    max_bad_fraction: float = 0.5


@dataclass
class IngestReport:
    """What the run did; written as JSON to `<reports>/_reports/date=<ds>/ingest.json`."""

    date: str
    source_partition: str
    table: str
    previous_date: str | None
    input_rows: int = 0
    valid_changes: int = 0
    bad_rows: int = 0
    bad_rows_by_reason: dict[RejectReason, int] = field(default_factory=dict)
    duplicate_changes: int = 0
    superseded_changes: int = 0
    stale_changes: int = 0
    customers_changed: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    deletes_of_unknown: int = 0
    unchanged: int = 0
    rows_written: int = 0
    snapshot_id: int | None = None
    rejected_rows_path: str | None = None
    replayed_dates: list[str] = field(default_factory=list)
    status: Literal["succeeded", "failed"] = "succeeded"
    message: str | None = None

    def to_json(self) -> str:
        body = {"version": REPORT_VERSION, "job": JOB, **asdict(self)}
        return json.dumps(body, indent=2, sort_keys=False) + "\n"


def report_path(reports: str, ds: dt.date) -> str:
    return f"{partition_path(f'{reports}/_reports', ds)}/ingest.json"


def rejected_path(reports: str, ds: dt.date) -> str:
    return partition_path(f"{reports}/_rejected", ds)


def _text(name: str) -> str:
    """SQL for a bronze text column, trimmed, with '' read as null."""
    return f"nullif(trim(`{name}`), '')"


def _typed(name: str, sql_type: str) -> Column:
    # try_cast gives null instead of failing when the submitter turns on ANSI mode.
    return F.expr(f"try_cast({_text(name)} AS {sql_type})")


def read_bronze(spark: SparkSession, partition: str) -> DataFrame:
    """The day's lines as bronze text columns, plus `_corrupt_record` (the line) and
    `_line_problem` for a line that is not exactly one JSON object.

    Spark's JSON reader would turn a line `[{…}, {…}]` into two changes, drop `[]` without a
    trace and ignore whatever follows a first object: each line is parsed wrapped as
    `{"v": <line>}` instead, which only parses when the line is one whole JSON value.
    """
    files = data_files(spark, partition)
    if not files:
        extra = [
            StructField(name, StringType(), True) for name in (LINE_PROBLEM_COLUMN, LINE_COLUMN)
        ]
        return spark.createDataFrame([], StructType([*BRONZE_SCHEMA.fields, *extra]))
    lines = spark.read.text([f"{partition}/{name}" for name in files])
    # Blank lines are layout, not rows (Spark's JSON reader skips them too).
    lines = lines.where(F.trim(F.col("value")) != "")
    wrapped = F.concat(F.lit('{"v":'), F.col("value"), F.lit("}"))
    object_schema = StructType(
        [StructField("v", StructType(BRONZE_SCHEMA.fields[:-1])), BRONZE_SCHEMA.fields[-1]]
    )
    parsed = lines.withColumn(
        "_parsed",
        F.from_json(wrapped, object_schema, {"columnNameOfCorruptRecord": CORRUPT_COLUMN}),
    )
    as_object = parsed["_parsed"][CORRUPT_COLUMN].isNull() & parsed["_parsed"]["v"].isNotNull()
    # Only for the rare lines that are not one object: is it JSON at all?
    json_value = F.from_json(
        wrapped, f"v STRING, {CORRUPT_COLUMN} STRING", {"columnNameOfCorruptRecord": CORRUPT_COLUMN}
    )[CORRUPT_COLUMN].isNull()
    problem = (
        F.when(as_object, F.lit(None))
        .when(json_value, "not_an_object")
        .otherwise("malformed_record")
    )
    return parsed.select(
        *[F.col("_parsed.v")[name].alias(name) for name in BRONZE_COLUMNS],
        F.when(as_object, F.lit(None)).otherwise(F.col("value")).alias(CORRUPT_COLUMN),
        problem.alias(LINE_PROBLEM_COLUMN),
        # The line itself, for the customer_id type probe in classify().
        F.col("value").alias(LINE_COLUMN),
    )


def _json_kind_of_key(line: Column, key_text: Column) -> Column:
    """True when the line's customer_id is a JSON object, array or boolean.

    Read as text, those become '{…}', '[…]', 'true' or 'false', exactly like the strings of
    the same characters: only for such rare texts is the line parsed again with typed
    schemas to tell which it was.
    """

    def typed(sql_type: str) -> Column:
        return F.from_json(line, f"customer_id {sql_type}")["customer_id"].isNotNull()

    return (
        F.when(key_text.startswith("{"), typed("MAP<STRING, STRING>"))
        .when(key_text.startswith("["), typed("ARRAY<STRING>"))
        .when(key_text.isin("true", "false"), typed("BOOLEAN"))
        .otherwise(F.lit(False))
    )


def classify(bronze: DataFrame) -> DataFrame:
    """Bronze rows with parsed values and `_reject_reason` (null when the row can be applied).

    The first failing check names the reason. Deletes need only key, operation, sequence and
    timestamp; inserts and updates are full row images whose values must parse too.
    """
    op = F.upper(F.expr(_text("op")))
    upsert = op.isin("I", "U")

    def unparsable(name: str, parsed: Column) -> Column:
        return F.expr(_text(name)).isNotNull() & parsed.isNull()

    seq_text = F.expr(_text("change_seq"))
    ts_text = F.expr(_text("change_ts"))
    ltv_text = F.expr(_text("lifetime_value"))
    key_text = F.expr(_text("customer_id"))
    reason = (
        F.when(F.col(LINE_PROBLEM_COLUMN).isNotNull(), F.col(LINE_PROBLEM_COLUMN))
        .when(key_text.isNull(), "null_key")
        .when(_json_kind_of_key(F.col(LINE_COLUMN), key_text), "bad_customer_id")
        .when(op.isNull() | ~op.isin(*OPERATIONS), "unknown_op")
        .when(
            seq_text.isNull() | ~seq_text.rlike(_INTEGER_RE) | F.col("_seq").isNull(),
            "bad_change_seq",
        )
        .when(~ts_text.rlike(_CHANGE_TS_RE) | F.col("_ts").isNull(), "bad_change_ts")
        .when(
            upsert
            & ltv_text.isNotNull()
            & (~ltv_text.rlike(_NUMBER_RE) | F.col("_ltv").isNull() | F.isnan(F.col("_ltv"))),
            "bad_lifetime_value",
        )
        .when(upsert & unparsable("created_at", F.col("_created")), "bad_created_at")
        .when(upsert & unparsable("updated_at", F.col("_updated")), "bad_updated_at")
    )
    return (
        bronze.withColumn("_op", op)
        .withColumn("_seq", _typed("change_seq", "BIGINT"))
        .withColumn("_ts", _typed("change_ts", "TIMESTAMP"))
        .withColumn("_ltv", _typed("lifetime_value", "DOUBLE"))
        .withColumn("_created", _typed("created_at", "TIMESTAMP"))
        .withColumn("_updated", _typed("updated_at", "TIMESTAMP"))
        .withColumn("_reject_reason", reason)
        # The raw line was only needed for the key probe: not kept in the cached rows.
        .drop(LINE_COLUMN)
    )


def valid_changes(classified: DataFrame) -> DataFrame:
    """The applicable changes, typed: op, change_seq, change_ts and the customer columns."""
    text_columns = [
        F.expr(_text(name)).alias(name)
        for name in CUSTOMER_COLUMNS
        if name not in ("customer_id", "lifetime_value", "created_at", "updated_at")
    ]
    return classified.where(F.col("_reject_reason").isNull()).select(
        F.col("_op").alias("op"),
        F.col("_seq").alias("change_seq"),
        F.col("_ts").alias("change_ts"),
        F.expr(_text("customer_id")).alias("customer_id"),
        *text_columns,
        F.col("_ltv").alias("lifetime_value"),
        F.col("_created").alias("created_at"),
        F.col("_updated").alias("updated_at"),
    )


def latest_per_customer(changes: DataFrame) -> DataFrame:
    """One row per customer: its winning change of the day.

    max() over a struct compares field by field, so the winner is the highest change_seq,
    then change_ts, then operation rank, then the row's own values: the same row whatever the
    order of the files and lines (and one aggregation, no sort of the whole day).
    """
    op_rank = F.create_map(*[F.lit(x) for pair in OP_RANK.items() for x in pair])[F.col("op")]
    ordered = F.struct(
        F.col("change_seq"),
        F.col("change_ts"),
        op_rank.alias("op_rank"),
        *[F.col(name) for name in CUSTOMER_COLUMNS if name != "customer_id"],
        F.col("op"),
    )
    return (
        changes.groupBy("customer_id")
        .agg(
            F.max(ordered).alias("w"),
            F.count(F.lit(1)).alias("change_count"),
            # Copies of one event (same operation, sequence and timestamp) count as duplicates.
            F.size(F.collect_set(F.struct("op", "change_seq", "change_ts"))).alias(
                "distinct_changes"
            ),
        )
        .select("customer_id", "w.*", "change_count", "distinct_changes")
        .drop("op_rank")
    )


def effective_changes(base: DataFrame | None, latest: DataFrame, ds: dt.date) -> DataFrame:
    """The day's winning changes against the silver rows they touch.

    `base` is the previous date's table content (only `customer_id` and `_cdc_seq` are read:
    the scan of a large table stays narrow). Returns one row per changed customer: the silver
    columns of the change and `_action`: inserted | updated | deleted | stale (not newer than
    the table's row, which is kept) | delete_unknown, with `_change_count` and
    `_distinct_changes` of the day.
    """
    if base is None:
        base = latest.sparkSession.createDataFrame([], SILVER_SCHEMA)
    prev = base.select(F.col("customer_id").alias("p_id"), F.col("_cdc_seq").alias("p_seq"))
    joined = latest.join(prev, latest.customer_id == prev.p_id, "left")
    in_prev = F.col("p_id").isNotNull()
    newer = ~in_prev | F.col("p_seq").isNull() | (F.col("change_seq") > F.col("p_seq"))
    action = (
        F.when(~newer, "stale")
        .when((F.col("op") == "D") & in_prev, "deleted")
        .when(F.col("op") == "D", "delete_unknown")
        .when(in_prev, "updated")
        .otherwise("inserted")
    )
    lineage = {
        "_cdc_seq": F.col("change_seq"),
        "_cdc_op": F.col("op"),
        "_ingest_date": F.lit(ds).cast(DateType()),
    }
    return joined.select(
        *[
            lineage.get(f.name, F.col(f.name)).cast(f.dataType).alias(f.name)
            for f in SILVER_SCHEMA.fields
        ],
        action.alias("_action"),
        F.col("change_count").alias("_change_count"),
        F.col("distinct_changes").alias("_distinct_changes"),
    )


def table_ddl(table: str) -> str:
    """Silver's table: merge-on-read, unpartitioned (jobs/README.md says why)."""
    columns = ", ".join(
        f"{f.name} {f.dataType.simpleString()}{'' if f.nullable else ' NOT NULL'}"
        for f in SILVER_SCHEMA.fields
    )
    properties = ", ".join(f"'{k}' = '{v}'" for k, v in TABLE_PROPERTIES.items())
    return (
        f"CREATE TABLE IF NOT EXISTS {table} ({columns}) USING iceberg TBLPROPERTIES ({properties})"
    )


# Merge-on-read: a night writes the changed rows and small position-delete files, never the
# untouched rows of the data files its changes land in (copy-on-write would rewrite nearly
# every file of the table for 10,000 random keys). The maintenance job compacts them.
TABLE_PROPERTIES = {
    "format-version": "2",
    "write.merge.mode": "merge-on-read",
    "write.update.mode": "merge-on-read",
    "write.delete.mode": "merge-on-read",
    # Changes arrive in no key order: no shuffle to cluster a few thousand rows.
    "write.distribution-mode": "none",
    "write.merge.distribution-mode": "none",
}


def ensure_table(spark: SparkSession, table: str) -> None:
    namespace = table.rsplit(".", 1)[0]
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {namespace}")
    spark.sql(table_ddl(table))


@dataclass
class IngestPlan:
    bronze: str
    previous: tuple[dt.date, int] | None
    later: list[dt.date]


def check_inputs(spark: SparkSession, options: IngestOptions) -> IngestPlan:
    """Every refusal happens here, before anything is written: the bronze partition of the
    date (and of every later date a rewrite replays), the dates already in silver, the gaps."""
    ds = options.date
    bronze = _check_bronze(spark, options, ds)
    tags = date_tags(spark, options.table)
    later = [d for d in tags if d > ds]
    if later and not options.allow_rewrite:
        raise Refusal(
            f"silver {options.table} already has later dates ({_dates(later)}): re-running "
            f"{ds} alone would leave them stale; pass --allow-rewrite to re-run {ds} and "
            f"replay the later dates in order"
        )
    for day in later:
        _check_bronze(spark, options, day)
    earlier = [d for d in tags if d < ds]
    previous = (earlier[-1], tags[earlier[-1]]) if earlier else None
    skipped = [
        d
        for d in partition_dates(spark, options.source)
        if d < ds and (previous is None or d > previous[0])
    ]
    if skipped and not options.allow_gaps:
        base = f"the table as of {previous[0]}" if previous else "an empty table"
        raise Refusal(
            f"bronze has changes for {_dates(skipped)} that silver has not applied ({base} "
            f"is the latest before {ds}): ingest those dates first, in order, or pass "
            f"--allow-gaps to skip them"
        )
    return IngestPlan(bronze, previous, later)


def _check_bronze(spark: SparkSession, options: IngestOptions, ds: dt.date) -> str:
    bronze = partition_path(options.source, ds)
    if not path_exists(spark, bronze):
        raise Refusal(
            f"bronze partition {bronze} not found: expected the day's CDC export "
            f"(JSON lines files and a _SUCCESS marker)"
        )
    if options.require_success and not path_exists(spark, f"{bronze}/_SUCCESS"):
        raise Refusal(
            f"bronze partition {bronze} has no _SUCCESS marker: the export is incomplete "
            f"(wait for it, or pass --no-require-success to ingest it as it is)"
        )
    return bronze


def _dates(dates: Sequence[dt.date]) -> str:
    shown = ", ".join(str(d) for d in dates[:5])
    return shown + (f" and {len(dates) - 5} more" if len(dates) > 5 else "")


def run_ingest(spark: SparkSession, options: IngestOptions) -> IngestReport:
    """Commits silver for `options.date` (and, with --allow-rewrite, replays the later dates);
    raises JobError for anything the operator must fix."""
    plan = check_inputs(spark, options)
    if plan.later:
        log.warning(
            "rewriting %s although silver has later dates: replaying %s after it",
            options.date,
            _dates(plan.later),
        )
    report = ingest_date(spark, options, options.date, plan.bronze, plan.previous)
    previous = (options.date, int(report.snapshot_id or 0))
    for day in plan.later:
        replayed = ingest_date(spark, options, day, partition_path(options.source, day), previous)
        previous = (day, int(replayed.snapshot_id or 0))
    if plan.later:
        report.replayed_dates = [str(d) for d in plan.later]
        write_text(spark, report_path(options.reports, options.date), report.to_json())
    return report


def ingest_date(
    spark: SparkSession,
    options: IngestOptions,
    ds: dt.date,
    bronze_partition: str,
    previous: tuple[dt.date, int] | None,
) -> IngestReport:
    """One date: the day's changes merged onto the table as of `previous` (the earlier date's
    tagged snapshot), committed as one snapshot tagged `ds-<ds>`."""
    table = options.table
    report = IngestReport(
        date=str(ds),
        source_partition=bronze_partition,
        table=table,
        previous_date=str(previous[0]) if previous else None,
    )
    classified = classify(read_bronze(spark, bronze_partition)).cache()
    try:
        _count_input(classified, report)
        rejects = rejected_path(options.reports, ds)
        if report.bad_rows:
            log.warning(
                "%d bad rows of %d in %s (%s): kept in %s, not applied",
                report.bad_rows,
                report.input_rows,
                bronze_partition,
                ", ".join(f"{k}={v}" for k, v in report.bad_rows_by_reason.items()),
                rejects,
            )
        too_many = _too_many_bad(report, options.max_bad_fraction)
        _write_rejects(spark, classified, rejects, report)
        if too_many:
            report.status = "failed"
            report.message = too_many
            write_text(spark, report_path(options.reports, ds), report.to_json())
            raise JobError(f"{too_many}; silver {table} left as it was")

        ensure_table(spark, table)
        base = None
        previous_rows = 0
        if previous is not None:
            base = spark.read.option("snapshot-id", previous[1]).table(table)
            previous_rows = _customers_of(spark, table, previous[1], base)
        latest = latest_per_customer(valid_changes(classified))
        # Pinned once: the counts and the MERGE must see the same rows, and the table read
        # for them is not read again by the MERGE's own join.
        changes = effective_changes(base, latest, ds).localCheckpoint()
        _count_changes(changes, report, previous_rows)
        properties = _commit_properties(report)
        if previous is None:
            # Nothing to build on: the date's content replaces whatever the table held.
            def write() -> None:
                inserted = changes.where(F.col("_action") == "inserted")
                inserted.select(*SILVER_COLUMNS).writeTo(table).overwrite(F.lit(True))
        else:
            _make_current(spark, table, previous[1])

            def write() -> None:
                _merge_into(spark, table, changes)

        with_commit_properties(spark, properties, write)
    finally:
        classified.unpersist()

    snapshot_id = current_snapshot_id(spark, table)
    if snapshot_id is None:  # a write always commits a snapshot
        raise RuntimeError(f"no snapshot in {table} after the commit of {ds}")
    tag_snapshot(spark, table, ds, snapshot_id)
    if snapshot_summary(spark, table, snapshot_id).get(f"{PROPERTY_PREFIX}ds") != str(ds):
        # Only when PySpark's gateway does not pin threads (PYSPARK_PIN_THREAD=false): the
        # properties went to another thread. The content and the tag are right regardless.
        log.warning("the commit of %s has no %sds summary property", ds, PROPERTY_PREFIX)
    report.snapshot_id = snapshot_id
    write_text(spark, report_path(options.reports, ds), report.to_json())
    log.info(
        "silver %s at %s (snapshot %d, tag %s): %d customers (inserted %d, updated %d, "
        "deleted %d, unchanged %d) from %d changes (%d bad, %d duplicate, %d stale); built on %s",
        table,
        ds,
        snapshot_id,
        date_tag(ds),
        report.rows_written,
        report.inserted,
        report.updated,
        report.deleted,
        report.unchanged,
        report.input_rows,
        report.bad_rows,
        report.duplicate_changes,
        report.stale_changes,
        f"the table as of {previous[0]}" if previous else "an empty table",
    )
    return report


def _customers_of(spark: SparkSession, table: str, snapshot_id: int, base: DataFrame) -> int:
    """Rows in a snapshot: its own summary property when this job (or the migration) wrote
    it, a count otherwise."""
    recorded = snapshot_summary(spark, table, snapshot_id).get(f"{PROPERTY_PREFIX}customers")
    return int(recorded) if recorded and recorded.isdigit() else base.count()


def _make_current(spark: SparkSession, table: str, snapshot_id: int) -> None:
    """A re-run (or a replay) starts from the previous date's snapshot: the table's current
    state is moved back to it first, so the MERGE gives the same content as the first run.

    Commits that only rewrite files (the maintenance job's compaction, operation `replace`)
    keep the content: a night after them builds on them rather than undoing the compaction.
    """
    jtable = iceberg_table(spark, table)
    current = jtable.currentSnapshot()
    while current is not None and int(current.snapshotId()) != snapshot_id:
        if str(current.operation()) != "replace" or current.parentId() is None:
            break
        current = jtable.snapshot(current.parentId())  # None once expired
    if current is None or int(current.snapshotId()) != snapshot_id:
        catalog, name = table.split(".", 1)
        spark.sql(f"CALL {catalog}.system.set_current_snapshot('{name}', {snapshot_id})")


def _merge_into(spark: SparkSession, table: str, changes: DataFrame) -> None:
    view = "_cdc_ingest_changes"
    applied = changes.where(F.col("_action").isin("inserted", "updated", "deleted"))
    applied.createOrReplaceTempView(view)
    columns = [c for c in SILVER_COLUMNS if c != "customer_id"]
    assignments = ", ".join(f"t.{c} = s.{c}" for c in columns)
    spark.sql(
        f"MERGE INTO {table} t USING {view} s ON t.customer_id = s.customer_id "
        f"WHEN MATCHED AND s._action = 'deleted' THEN DELETE "
        f"WHEN MATCHED AND s._action = 'updated' THEN UPDATE SET {assignments} "
        f"WHEN NOT MATCHED AND s._action = 'inserted' THEN INSERT ({', '.join(SILVER_COLUMNS)}) "
        f"VALUES ({', '.join(f's.{c}' for c in SILVER_COLUMNS)})"
    )
    spark.catalog.dropTempView(view)


PROPERTY_PREFIX = "pipeline."


def _commit_properties(report: IngestReport) -> dict[str, str]:
    """The snapshot summary of a date's commit: which date and what it did."""
    values = {
        "ds": report.date,
        "job": JOB,
        "customers": report.rows_written,
        "input-rows": report.input_rows,
        "bad-rows": report.bad_rows,
        "inserted": report.inserted,
        "updated": report.updated,
        "deleted": report.deleted,
        "stale": report.stale_changes,
    }
    return {f"{PROPERTY_PREFIX}{key}": str(value) for key, value in values.items()}


def _count_input(classified: DataFrame, report: IngestReport) -> None:
    counts = {
        row["_reject_reason"]: int(row["count"])
        for row in classified.groupBy("_reject_reason").count().collect()
    }
    report.input_rows = sum(counts.values())
    report.valid_changes = counts.get(None, 0)
    report.bad_rows_by_reason = {r: counts[r] for r in REJECT_REASONS if counts.get(r)}
    report.bad_rows = sum(report.bad_rows_by_reason.values())


def _too_many_bad(report: IngestReport, limit: float) -> str | None:
    if not report.input_rows:
        return None
    fraction = report.bad_rows / report.input_rows
    if fraction <= limit:
        return None
    return (
        f"{report.bad_rows} of {report.input_rows} bad rows ({fraction:.2%}) in "
        f"{report.source_partition} exceed --max-bad-fraction {limit}"
    )


def _write_rejects(
    spark: SparkSession, classified: DataFrame, path: str, report: IngestReport
) -> None:
    # A re-run must not leave the rejects of an earlier export of the same day behind.
    delete_path(spark, path)
    if not report.bad_rows:
        report.rejected_rows_path = None
        return
    (
        classified.where(F.col("_reject_reason").isNotNull())
        .select(F.col("_reject_reason").alias("reject_reason"), *BRONZE_COLUMNS, CORRUPT_COLUMN)
        # One small file; repartition (not coalesce) keeps the scan of the day parallel.
        .repartition(1)
        .write.mode("overwrite")
        .json(path)
    )
    report.rejected_rows_path = path


def _count_changes(changes: DataFrame, report: IngestReport, previous_rows: int) -> None:
    def count_of(action: ChangeAction) -> Column:
        return F.sum(F.when(F.col("_action") == action, 1).otherwise(0)).alias(action)

    row = changes.agg(
        *[count_of(action) for action in get_args(ChangeAction)],
        F.count(F.lit(1)).alias("customers_changed"),
        F.sum("_change_count").alias("changes"),
        F.sum(F.col("_change_count") - F.col("_distinct_changes")).alias("duplicates"),
    ).first()
    metrics: dict[str, Any] = row.asDict() if row is not None else {}

    def get(name: str) -> int:
        return int(metrics.get(name) or 0)

    report.duplicate_changes = get("duplicates")
    report.customers_changed = get("customers_changed")
    report.superseded_changes = get("changes") - report.customers_changed
    report.inserted = get("inserted")
    report.updated = get("updated")
    report.deleted = get("deleted")
    report.deletes_of_unknown = get("delete_unknown")
    report.stale_changes = get("stale")
    report.unchanged = previous_rows - report.updated - report.deleted - report.stale_changes
    report.rows_written = previous_rows + report.inserted - report.deleted


# ------------------------------------------------------------------------------ command line


def parse_args(argv: Sequence[str] | None) -> IngestOptions:
    parser = ArgumentParser(
        prog=JOB, description="Apply a day's CDC export (bronze) to the customers snapshot."
    )
    parser.add_argument("--date", required=True, help="the logical date ds, YYYY-MM-DD")
    parser.add_argument("--source", required=True, help="bronze root (s3:// URI or local path)")
    parser.add_argument(
        "--table", required=True, help="silver Iceberg table <catalog>.<namespace>.<table>"
    )
    parser.add_argument(
        "--reports",
        required=True,
        help="root of the ingest reports and rejected rows (s3:// URI or local path)",
    )
    parser.add_argument(
        "--allow-rewrite",
        action="store_true",
        help="re-run ds although silver has later dates, then replay those dates in order",
    )
    parser.add_argument(
        "--allow-gaps",
        action="store_true",
        help="build on the latest earlier date though bronze dates in between are not ingested",
    )
    parser.add_argument(
        "--require-success",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="refuse a bronze partition without a _SUCCESS marker (default: on)",
    )
    parser.add_argument(
        "--max-bad-fraction",
        type=float,
        default=0.5,
        help="fail, leaving silver untouched, when more than this fraction (0-1) of the rows "
        "is bad (default 0.5: the export's format has probably changed)",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.max_bad_fraction <= 1:
        raise Refusal(
            f"--max-bad-fraction: expected a number between 0 and 1, got {args.max_bad_fraction}"
        )
    return IngestOptions(
        date=parse_date(args.date),
        source=normalize_root(args.source, "--source"),
        table=parse_table(args.table),
        reports=normalize_root(args.reports, "--reports"),
        allow_rewrite=args.allow_rewrite,
        allow_gaps=args.allow_gaps,
        require_success=args.require_success,
        max_bad_fraction=args.max_bad_fraction,
    )


def main(argv: Sequence[str] | None = None, spark: SparkSession | None = None) -> int:
    """Runs the job; returns the exit code. A session passed in is left running."""
    return run_job(JOB, argv, parse_args, lambda session, o: run_ingest(session.get(), o), spark)


if __name__ == "__main__":
    sys.exit(main())
