"""Data-quality metrics job: computes the metrics a dataset's rules need for one date.

    spark-submit --py-files job_common.py,data_quality_rules.py,data_quality_metrics.py,\
        data_quality_files.py --files customers.json data_quality.py \
        --table lake.silver.customers --rules customers.json \
        --date 2024-01-01 --metrics-root <root>/quality/metrics

Reads an Iceberg table as of the date's tag `ds-<date>` (`--table`: time travel, so a re-run
for an older date sees that date's rows) or a Parquet dataset's `<input>/date=<date>`
(`--input`), computes exactly the metrics the rules list, in one aggregate pass plus one
groupBy per uniqueness key, and writes the metrics document to
`<metrics-root>/<dataset>/date=<date>/metrics.json`, replacing the one of an earlier run.

`--rules` is the normalised rules JSON the quality gate's `mode: prepare` writes (format
spark-pipeline-rules/1): the rules file it validated, with the metrics to compute. The job
reads it with the standard library and checks its shape only; a YAML or hand-written rules
file is refused in one line (run the gate's prepare mode on it). It is a local path, a Hadoop
file system URI (`s3://...`) or the bare name of a file shipped with `spark-submit --files`.
`--check-rules` checks the document and prints the metric ids it lists, without Spark.

One module per concern travels beside it (`--py-files` on EMR): data_quality_rules.py (the
rules JSON), data_quality_metrics.py (the Spark computation and the metrics document),
data_quality_files.py (reading and writing files), and job_common.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from data_quality_files import metrics_location, read_rules_text, write_text
from data_quality_metrics import build_document, check_columns, check_patterns
from data_quality_rules import FORMAT, parse_rules_json
from job_common import (
    ArgumentParser,
    LazySession,
    Refusal,
    date_tag,
    date_tags,
    parse_table,
    run_job,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

JOB = "data_quality"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = ArgumentParser(prog=JOB, description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--input", help="Parquet dataset root; the job reads <input>/date=<date>")
    source.add_argument(
        "--table", help="Iceberg table <catalog>.<namespace>.<table>, read as of ds-<date>"
    )
    parser.add_argument(
        "--rules",
        required=True,
        help=f"the normalised rules JSON ({FORMAT}) the quality gate's mode: prepare writes "
        "(path, s3:// URI, --files name)",
    )
    parser.add_argument("--date", help="logical date YYYY-MM-DD")
    parser.add_argument("--metrics-root", help="metrics root; writes <root>/<dataset>/date=<date>/")
    parser.add_argument(
        "--check-rules",
        action="store_true",
        help="check the rules JSON, print the metric ids it lists as JSON, and exit",
    )
    args = parser.parse_args(argv)
    if not args.check_rules:
        if not args.input and not args.table:
            raise Refusal("--input or --table is required")
        if args.table:
            args.table = parse_table(args.table)
        for option in ("date", "metrics_root"):
            if not getattr(args, option):
                raise Refusal(f"--{option.replace('_', '-')} is required")
        try:
            parsed = dt.date.fromisoformat(args.date)
        except ValueError:
            parsed = None
        if parsed is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.date):
            raise Refusal(f"--date: expected a date as YYYY-MM-DD, got '{args.date}'")
    return args


def read_table_date(spark: SparkSession, table: str, logical_date: str) -> tuple[DataFrame, str]:
    """The table as of the date's tag, and how the metrics document names what it read."""
    tags = date_tags(spark, table)
    snapshot = tags.get(dt.date.fromisoformat(logical_date))
    if snapshot is None:
        raise Refusal(
            f"--table: {table} has no snapshot tagged {date_tag(logical_date)} "
            "(did the ingest job run?)"
        )
    return spark.read.option("snapshot-id", snapshot).table(
        table
    ), f"{table}@{date_tag(logical_date)}"


def run_quality(session: LazySession, args: argparse.Namespace) -> str | None:
    """Runs the job; returns where the metrics document was written. Spark starts only when
    it is needed: a rules check, or a rules file read from local disk, needs none."""
    rules = parse_rules_json(read_rules_text(session.get, args.rules), args.rules)
    if args.check_rules:
        print(json.dumps({"dataset": rules.dataset, "metrics": [s.id for s in rules.metrics]}))
        return None

    spark = session.get()
    check_patterns(spark, rules)
    if args.table:
        df, partition = read_table_date(spark, args.table, args.date)
    else:
        partition = f"{args.input.rstrip('/')}/date={args.date}"
        try:
            df = spark.read.parquet(partition)
        except Exception as error:
            if "PATH_NOT_FOUND" in str(error) or "Path does not exist" in str(error):
                raise Refusal(
                    f"--input: no partition {partition} (did the ingest job run?)"
                ) from None
            raise
    check_columns(df, rules, partition)
    document = build_document(rules, df, args.date, partition)
    location = metrics_location(args.metrics_root, rules.dataset, args.date)
    write_text(spark, location, json.dumps(document, indent=2, sort_keys=False) + "\n")
    print(
        f"{JOB}: {len(rules.metrics)} metrics over {document['row_count']} rows -> {location}",
        flush=True,
    )
    return location


def main(argv: Sequence[str] | None = None, spark: SparkSession | None = None) -> int:
    """Runs the job; returns the exit code. A session passed in is left running."""
    return run_job(JOB, argv, parse_args, run_quality, spark)


if __name__ == "__main__":
    sys.exit(main())
