"""Writes a small silver customers lake for the quality-gate integration test.

    python make_lake.py <root> <rules-json> <first-date> <days> <bad-date> [<job-date> ...]

Writes `<root>/silver/customers/date=<ds>/` (Parquet, the silver schema) for `days` dates
from `first-date`; the `bad-date` snapshot has known problems: 5 of its rows lack an email,
3 rows repeat a customer id, 2 have a negative lifetime value, 1 an unknown status, 1 a
country that is not ISO alpha-2, and every change is 5 days old. Then runs the data-quality
job (jobs/data_quality.py, in this process to start the JVM once) for each `job-date`
on `rules-json` (the normalised rules JSON the gate's mode: prepare wrote for
quality/customers.yml), writing `<root>/quality/metrics/`.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT / "jobs"))

import cdc_ingest  # noqa: E402
import data_quality  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import types as T  # noqa: E402

# The silver contract as the ingest job writes it, but every column nullable: the fixtures
# deliberately hold rows that break it (a missing key is what a rule must catch).
SILVER = T.StructType(
    [T.StructField(field.name, field.dataType, True) for field in cdc_ingest.SILVER_SCHEMA]
)
COUNTRIES = ["US", "DE", "FR", "GB"]
SEGMENTS = ["consumer", "smb", "enterprise"]
STATUSES = ["active", "inactive", "churned"]


def good_rows(day: dt.date, count: int) -> list[list[Any]]:
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    return [
        [
            f"c{index:04d}",
            f"First{index}",
            f"Last{index}",
            f"user{index}@example.com",
            f"+1 555 {index:04d}",
            COUNTRIES[index % len(COUNTRIES)],
            SEGMENTS[index % len(SEGMENTS)],
            STATUSES[index % len(STATUSES)],
            float(index * 10),
            dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc),
            start + dt.timedelta(minutes=index * 7),
            index,
            "I" if index % 2 else "U",
            day,
        ]
        for index in range(count)
    ]


def bad_rows(day: dt.date, count: int) -> list[list[Any]]:
    rows = good_rows(day, count)
    for row in rows[:5]:
        row[3] = None  # email missing
    rows[5][8] = -1.0
    rows[6][8] = -20.0  # negative lifetime value
    rows[7][7] = "deleted"  # unknown status
    rows[8][5] = "usa"  # not ISO alpha-2
    for row in rows:
        row[10] = row[10] - dt.timedelta(days=5)  # stale changes
    duplicates = [list(row) for row in rows[10:13]]
    return rows[:-3] + duplicates  # same row count, 3 repeated customer ids


def main(argv: list[str]) -> int:
    root, rules = Path(argv[0]), argv[1]
    first, days, bad = dt.date.fromisoformat(argv[2]), int(argv[3]), argv[4]
    job_dates = argv[5:]
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if not os.environ.get("JAVA_HOME") and shutil.which("java"):
        os.environ["JAVA_HOME"] = str(Path(shutil.which("java") or "").resolve().parent.parent)
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    silver = root / "silver" / "customers"
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        count = 40 + offset
        rows = bad_rows(day, count) if day.isoformat() == bad else good_rows(day, count)
        frame = spark.createDataFrame([tuple(row) for row in rows], SILVER)
        frame.coalesce(1).write.mode("overwrite").parquet(str(silver / f"date={day}"))
    for day in job_dates:
        code = data_quality.main(
            [
                "--input",
                str(silver),
                "--rules",
                rules,
                "--date",
                day,
                "--metrics-root",
                str(root / "quality" / "metrics"),
            ]
        )
        if code != 0:
            return code
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
