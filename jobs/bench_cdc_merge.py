"""Benchmark: rows per second of the CDC merge (cdc_ingest) on generated changes.

    .venv/bin/python jobs/bench_cdc_merge.py [--changes 1000000] [--customers 250000]

Generates a first day (the initial load of --customers) and a second day of --changes
changes with generate_cdc, ingests the first day, then times the ingest of the second: read
and validate the export, pick the latest change per customer, merge it into the previous
snapshot, write the new snapshot, report. Local Spark with the seed's conf (adaptive
execution on, 400 shuffle partitions). Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import cdc_ingest
import generate_cdc
from pyspark.sql import SparkSession

D1, D2 = "2026-01-01", "2026-01-02"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shuffle-partitions", type=int, default=400)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-cdc-"))
    try:
        bronze, silver = workdir / "bronze", workdir / "silver"
        started = time.perf_counter()
        # Day one is the initial load only; day two holds the timed changes.
        generator = generate_cdc.CdcGenerator(args.seed, args.customers, changes_per_day=0)
        writer = generate_cdc.LocalWriter(str(bronze))
        day1 = generator.day(cdc_ingest.parse_date(D1))
        writer.write_day(cdc_ingest.parse_date(D1), day1)
        generator.changes_per_day = args.changes
        day2 = generator.day(cdc_ingest.parse_date(D2))
        writer.write_day(cdc_ingest.parse_date(D2), day2)
        size = sum(p.stat().st_size for p in (bronze / f"date={D2}").glob("*.json"))
        print(
            f"generated {len(day1):,} + {len(day2):,} bronze lines ({size / 2**20:.0f} MiB for "
            f"{D2}) in {time.perf_counter() - started:.1f} s"
        )

        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        spark = (
            SparkSession.builder.master("local[2]")
            .appName("bench cdc merge")
            .config("spark.sql.adaptive.enabled", "true")
            .config("spark.sql.shuffle.partitions", str(args.shuffle_partitions))
            .config("spark.driver.memory", "3g")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        try:
            started = time.perf_counter()
            first = cdc_ingest.run_ingest(
                spark, cdc_ingest.IngestOptions(cdc_ingest.parse_date(D1), str(bronze), str(silver))
            )
            load_seconds = time.perf_counter() - started
            started = time.perf_counter()
            report = cdc_ingest.run_ingest(
                spark, cdc_ingest.IngestOptions(cdc_ingest.parse_date(D2), str(bronze), str(silver))
            )
            merge_seconds = time.perf_counter() - started
        finally:
            spark.stop()

        print(
            f"initial load: {first.input_rows:,} rows -> {first.rows_written:,} customers in "
            f"{load_seconds:.1f} s ({first.input_rows / load_seconds:,.0f} rows/s)"
        )
        print(
            f"cdc merge:    {report.input_rows:,} changes ({report.duplicate_changes:,} duplicate, "
            f"{report.bad_rows:,} bad) onto {first.rows_written:,} customers -> "
            f"{report.rows_written:,} customers in {merge_seconds:.1f} s"
        )
        print(f"cdc merge:    {report.input_rows / merge_seconds:,.0f} rows/second")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
