"""Benchmark: one night's CDC, the old full-snapshot rewrite against the Iceberg MERGE.

    .venv/bin/python bench/cdc_merge.py [--sizes 100000,1000000,5000000] [--changes 10000]

For each table size: a silver table of that many generated customers (written once, untimed,
as a Parquet snapshot for the old approach and as the Iceberg table for the new one), and one
fixed day of --changes changes (updates of existing customers, inserts, deletes, some
duplicates) as the bronze export. Then, timed:

- snapshot: what cdc_ingest did before silver moved to Iceberg: read and validate the export,
  pick the latest change per customer, join it with the previous snapshot and write the whole
  new snapshot to `date=<ds>/`;
- iceberg: cdc_ingest.run_ingest: the same validation, then one MERGE INTO the
  merge-on-read table, tagged commit.

Prints wall time and bytes written per approach and size, side by side, and the ratios the
issue sets as targets (Iceberg bytes against the day's change files; growth of each approach's
time from the smallest to the largest table). Local Spark with the seed's conf (adaptive
execution on, 400 shuffle partitions). Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# The job it measures, and their shared module, live in jobs/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "jobs"))

import cdc_ingest
from job_common import date_tags, iceberg_table, snapshot_summary
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

D1, D2 = dt.date(2026, 1, 1), dt.date(2026, 1, 2)
JOBS = Path(__file__).resolve().parent
ICEBERG_JAR = JOBS.parent / ".cache" / "jars" / "iceberg-spark-runtime-3.5_2.12-1.9.2.jar"
DEFAULT_SIZES = (100_000, 1_000_000, 5_000_000)


@dataclass
class Figures:
    seconds: float
    bytes_written: int
    data_bytes: int  # data and delete files; the rest is metadata


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def base_table(spark: SparkSession, customers: int) -> DataFrame:
    """`customers` silver rows, as the ingest job would have left them after D1."""
    segments = F.array(*[F.lit(s) for s in ("consumer", "smb", "enterprise")])
    countries = F.array(*[F.lit(c) for c in ("US", "DE", "FR", "GB", "NL", "ES")])
    statuses = F.array(*[F.lit(s) for s in ("active", "inactive", "churned")])
    row = spark.range(customers).select(
        F.format_string("C%09d", "id").alias("customer_id"),
        F.concat(F.lit("First"), (F.col("id") % 997).cast("string")).alias("first_name"),
        F.concat(F.lit("Last"), (F.col("id") % 991).cast("string")).alias("last_name"),
        F.format_string("user%d@example.com", "id").alias("email"),
        F.format_string("+1 555 %07d", F.col("id") % 10_000_000).alias("phone"),
        countries[F.col("id") % 6].alias("country"),
        segments[F.col("id") % 3].alias("segment"),
        statuses[F.col("id") % 3].alias("status"),
        ((F.col("id") * 7919) % 100_000 / 100).cast("double").alias("lifetime_value"),
        F.lit(dt.datetime(2025, 1, 1)).alias("created_at"),
        F.lit(dt.datetime(2025, 12, 31)).alias("updated_at"),
        F.col("id").alias("_cdc_seq"),
        F.lit("I").alias("_cdc_op"),
        F.lit(D1).alias("_ingest_date"),
    )
    return row.select(
        *[F.col(f.name).cast(f.dataType).alias(f.name) for f in cdc_ingest.SILVER_SCHEMA.fields]
    )


def write_changes(folder: Path, customers: int, changes: int, seed: int) -> int:
    """The day's export: 70 % updates, 20 % inserts, 10 % deletes, 2 % delivered twice.
    Returns the bytes of its files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for index in range(changes):
        roll = rng.random()
        seq = 10_000_000_000 + index
        ts = f"2026-01-02T{index * 86_399 // changes // 3600:02d}:{index % 60:02d}:00Z"
        if roll < 0.2:
            key, op = f"N{customers + index:09d}", "I"
        else:
            key, op = f"C{rng.randrange(customers):09d}", "U" if roll < 0.9 else "D"
        change = {"op": op, "change_seq": seq, "change_ts": ts, "customer_id": key}
        if op != "D":
            change.update(
                first_name="Changed",
                last_name=f"Name{index}",
                email=f"changed{index}@example.com",
                phone="+1 555 0100",
                country="US",
                segment="smb",
                status="active",
                lifetime_value=round(rng.random() * 1000, 2),
                created_at="2025-01-01T00:00:00Z",
                updated_at=ts,
            )
        line = json.dumps(change)
        lines.append(line)
        if rng.random() < 0.02:
            lines.append(line)
    (folder / "part-00000.json").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "_SUCCESS").write_bytes(b"")
    return (folder / "part-00000.json").stat().st_size


def snapshot_ingest(spark: SparkSession, bronze: str, previous: str, target: str) -> None:
    """The full-snapshot approach: the new snapshot is the old one with the day's changes
    applied, written out whole."""
    classified = cdc_ingest.classify(cdc_ingest.read_bronze(spark, bronze)).cache()
    classified.groupBy("_reject_reason").count().collect()  # the report's counts, as before
    prev = spark.read.parquet(previous)
    latest = cdc_ingest.latest_per_customer(cdc_ingest.valid_changes(classified))
    changes = cdc_ingest.effective_changes(prev, latest, D2)
    applied = changes.where(F.col("_action").isin("inserted", "updated", "deleted"))
    kept = prev.join(applied.select("customer_id"), "customer_id", "left_anti")
    fresh = applied.where(F.col("_action") != "deleted").select(*cdc_ingest.SILVER_COLUMNS)
    kept.select(*cdc_ingest.SILVER_COLUMNS).unionByName(fresh).write.mode("overwrite").parquet(
        target
    )
    classified.unpersist()


@dataclass
class SizeResult:
    customers: int
    change_bytes: int
    snapshot: Figures
    iceberg: Figures


def run_size(spark: SparkSession, root: Path, customers: int, changes: int) -> SizeResult:
    work = root / f"n{customers}"
    bronze = work / "bronze"
    change_bytes = write_changes(bronze / f"date={D2}", customers, changes, seed=customers)
    # The night before, untimed: a Parquet snapshot and the same rows as the Iceberg table.
    rows = base_table(spark, customers)
    snapshots = work / "silver-parquet"
    rows.write.mode("overwrite").parquet(str(snapshots / f"date={D1}"))
    table = f"bench.n{customers}.customers"
    cdc_ingest.ensure_table(spark, table)
    spark.read.parquet(str(snapshots / f"date={D1}")).writeTo(table).overwrite(F.lit(True))
    snapshot_id = int(spark.sql(f"SELECT snapshot_id FROM {table}.snapshots").collect()[0][0])
    cdc_ingest.tag_snapshot(spark, table, D1, snapshot_id)

    started = time.perf_counter()
    target = snapshots / f"date={D2}"
    snapshot_ingest(spark, str(bronze / f"date={D2}"), str(snapshots / f"date={D1}"), str(target))
    old = Figures(time.perf_counter() - started, folder_bytes(target), folder_bytes(target))

    location = Path(str(iceberg_table(spark, table).location()).removeprefix("file:"))
    before = folder_bytes(location)
    options = cdc_ingest.IngestOptions(
        date=D2, source=str(bronze), table=table, reports=str(work / "ingest")
    )
    started = time.perf_counter()
    report = cdc_ingest.run_ingest(spark, options)
    seconds = time.perf_counter() - started
    summary = snapshot_summary(spark, table, date_tags(spark, table)[D2])
    new = Figures(seconds, folder_bytes(location) - before, int(summary.get("added-files-size", 0)))
    if report.input_rows < changes:  # the export is read whole, duplicates included
        raise RuntimeError(f"{report.input_rows} changes read, {changes} written")
    return SizeResult(customers, change_bytes, old, new)


GOLD_DATES = 30


def gold_figures(spark: SparkSession, root: Path, silver_table: str) -> dict[str, Figures]:
    """Gold for GOLD_DATES dates, a few hundred rows each, written both ways: Parquet with the
    date's folder replaced (as customer_summary does) and an Iceberg table partitioned by date
    with the date's partition replaced. Figures per date, the last date's."""
    import customer_summary

    current = spark.read.option("tag", f"ds-{D2}").table(silver_table)
    previous = spark.read.option("tag", f"ds-{D1}").table(silver_table)
    parquet = root / "gold-parquet"
    table = "bench.gold.customer_summary"
    spark.sql("CREATE NAMESPACE IF NOT EXISTS bench.gold")
    figures: dict[str, Figures] = {}
    for index in range(GOLD_DATES):
        ds = D2 + dt.timedelta(days=index)
        rows = customer_summary.summarize(current, previous, ds).coalesce(1).cache()
        rows.count()
        started = time.perf_counter()
        target = parquet / f"date={ds}"
        rows.sortWithinPartitions(*customer_summary.GROUP_COLUMNS).write.mode("overwrite").parquet(
            str(target)
        )
        figures["parquet"] = Figures(
            time.perf_counter() - started, folder_bytes(target), folder_bytes(target)
        )
        if index == 0:
            rows.limit(0).writeTo(table).partitionedBy(F.col("snapshot_date")).create()
        location = Path(str(iceberg_table(spark, table).location()).removeprefix("file:"))
        before = folder_bytes(location)
        started = time.perf_counter()
        rows.writeTo(table).overwritePartitions()
        seconds = time.perf_counter() - started
        snapshot = int(iceberg_table(spark, table).currentSnapshot().snapshotId())
        added = int(snapshot_summary(spark, table, snapshot).get("added-files-size", 0))
        figures["iceberg"] = Figures(seconds, folder_bytes(location) - before, added)
        rows.unpersist()
    return figures


def session(warehouse: Path, shuffle_partitions: int) -> SparkSession:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("bench cdc merge")
        .config("spark.jars", str(ICEBERG_JAR))
        .config(
            "spark.sql.extensions",
            "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        )
        .config("spark.sql.catalog.bench", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.bench.catalog-impl", "org.apache.iceberg.hadoop.HadoopCatalog")
        .config("spark.sql.catalog.bench.warehouse", str(warehouse))
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.driver.memory", "3g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def mib(count: int) -> str:
    return f"{count / 2**20:,.2f} MiB"


def kib(count: int) -> str:
    return f"{count / 2**10:,.1f} KiB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="table sizes (customers), comma-separated (default: 100k, 1M, 5M)",
    )
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--shuffle-partitions", type=int, default=400)
    args = parser.parse_args()
    try:
        sizes = sorted({int(text.replace("_", "")) for text in args.sizes.split(",") if text})
    except ValueError:
        print(f"--sizes: expected whole numbers separated by commas, got '{args.sizes}'")
        return 1
    if not sizes or min(sizes) < 1 or args.changes < 1:
        print("--sizes and --changes: expected positive whole numbers")
        return 1
    if not ICEBERG_JAR.is_file():
        print(f"{ICEBERG_JAR} is missing: run `npm run setup:jars` once")
        return 1

    root = Path(tempfile.mkdtemp(prefix="bench-cdc-"))
    try:
        spark = session(root / "warehouse", args.shuffle_partitions)
        cdc_ingest.log.setLevel("WARNING")
        try:
            # The JVM's first jobs are slower (class loading, JIT): warm both paths up first.
            run_size(spark, root / "warm-up", 1_000, 100)
            results = [run_size(spark, root, n, args.changes) for n in sizes]
            gold = gold_figures(spark, root, f"bench.n{sizes[0]}.customers")
        finally:
            spark.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print(
        f"\nOne night of {args.changes:,} changes (the same export for every size), "
        "local[2], AQE on, 400 shuffle partitions\n"
    )
    header = (
        f"{'customers':>11} | {'snapshot s':>10} {'written':>13} | "
        f"{'iceberg s':>9} {'written':>13} {'data+deletes':>13} | {'changes file':>13}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        old, new = r.snapshot, r.iceberg
        print(
            f"{r.customers:>11,} | {old.seconds:>10.1f} {mib(old.bytes_written):>13} | "
            f"{new.seconds:>9.1f} {mib(new.bytes_written):>13} {mib(new.data_bytes):>13} | "
            f"{mib(r.change_bytes):>13}"
        )
    first, last = results[0], results[-1]
    print()
    for r in results:
        new = r.iceberg
        print(
            f"{r.customers:>11,} customers: Iceberg data+delete bytes / change file = "
            f"{new.data_bytes / r.change_bytes:.2f} (target <= 2), metadata "
            f"{mib(new.bytes_written - new.data_bytes)}; snapshot bytes / Iceberg bytes = "
            f"{r.snapshot.bytes_written / max(new.bytes_written, 1):.1f}"
        )
    print(
        f"\ngold, date {GOLD_DATES} of {GOLD_DATES} (a few hundred rows a date): Parquet "
        f"{kib(gold['parquet'].bytes_written)} in {gold['parquet'].seconds:.2f} s; Iceberg "
        f"partition replaced {kib(gold['iceberg'].bytes_written)} (data "
        f"{kib(gold['iceberg'].data_bytes)}, the rest metadata, growing with every date) in "
        f"{gold['iceberg'].seconds:.2f} s"
    )
    if len(results) > 1:
        for name in ("snapshot", "iceberg"):
            a, b = getattr(first, name), getattr(last, name)
            target = " (target <= 1.5)" if name == "iceberg" else ""
            print(
                f"{name:>8} wall time {first.customers:,} -> {last.customers:,} "
                f"customers: x{b.seconds / a.seconds:.2f}{target}; bytes written "
                f"x{b.bytes_written / max(a.bytes_written, 1):.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
