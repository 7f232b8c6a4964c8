"""Writes an Iceberg table's rows as of each of its date tags, for tests that compare lakes.

    python silver_rows.py --s3-endpoint URL --jars A,B,C --output FILE
        [--warehouse s3://data-lake] [--table lake.silver.customers]

The table is read from a local S3 (moto) through S3A, with the Hadoop catalog the local
pipeline writes it with: a lake folder cannot be read in place, since Iceberg's metadata
names its files by their absolute s3:// paths. One JSON line per row and tag,
`{"tag": "ds-YYYY-MM-DD", "row": {...}}`, sorted: two lakes' files are equal when their
tags hold the same rows, whatever order Spark read them in.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT / "jobs"))

from job_common import date_tag, date_tags, read_date  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402


def tagged_rows(spark: SparkSession, table: str) -> list[str]:
    """One sorted JSON line per row of each `ds-` tag's snapshot (keys sorted, times in UTC)."""
    lines: list[str] = []
    for day in date_tags(spark, table):
        for row in read_date(spark, table, day).toJSON().collect():
            # The tag first, so that the sorted lines go date by date.
            tag, values = json.dumps(date_tag(day)), json.dumps(json.loads(row), sort_keys=True)
            lines.append(f'{{"tag": {tag}, "row": {values}}}')
    return sorted(lines)


def local_session(endpoint: str, jars: str, warehouse: str, scratch: str) -> SparkSession:
    """A small local session whose catalog `lake` is the local S3's Hadoop catalog."""
    return (
        SparkSession.builder.master("local[2]")
        .appName("silver-rows")
        .config("spark.jars", jars)
        .config(
            "spark.sql.extensions",
            "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        )
        .config("spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.lake.catalog-impl", "org.apache.iceberg.hadoop.HadoopCatalog")
        .config("spark.sql.catalog.lake.warehouse", warehouse)
        .config("spark.hadoop.fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem")
        .config("spark.hadoop.fs.s3a.endpoint", endpoint)
        .config("spark.hadoop.fs.s3a.endpoint.region", "us-east-1")
        .config("spark.hadoop.fs.s3a.path.style.access", "true")
        .config("spark.hadoop.fs.s3a.connection.ssl.enabled", "false")
        .config(
            "spark.hadoop.fs.s3a.aws.credentials.provider",
            "com.amazonaws.auth.EnvironmentVariableCredentialsProvider",
        )
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.warehouse.dir", f"{scratch}/spark-warehouse")
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={scratch}")
        .getOrCreate()
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--s3-endpoint", required=True)
    parser.add_argument("--jars", required=True, help="comma-separated jar paths")
    parser.add_argument("--output", required=True)
    parser.add_argument("--warehouse", default="s3://data-lake")
    parser.add_argument("--table", default="lake.silver.customers")
    args = parser.parse_args(argv)
    if not os.environ.get("JAVA_HOME") and shutil.which("java"):
        os.environ["JAVA_HOME"] = str(Path(shutil.which("java") or "").resolve().parents[1])
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    scratch = tempfile.mkdtemp(prefix="silver-rows-")
    try:
        spark = local_session(args.s3_endpoint, args.jars, args.warehouse, scratch)
        try:
            spark.sparkContext.setLogLevel("ERROR")
            lines = tagged_rows(spark, args.table)
        finally:
            spark.stop()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    Path(args.output).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
