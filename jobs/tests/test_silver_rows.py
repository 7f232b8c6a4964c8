"""The end-to-end tests' silver reader (test/support/silver_rows.py): each date tag's rows,
one sorted JSON line per row, against a real Iceberg table."""

from __future__ import annotations

import json

from conftest import new_table
from job_common import current_snapshot_id, tag_snapshot
from pyspark.sql import SparkSession
from silver_rows import tagged_rows


def test_each_date_tag_gives_its_snapshot_rows_sorted_and_other_refs_none(
    spark: SparkSession,
) -> None:
    table = new_table()
    spark.sql(f"CREATE TABLE {table} (id STRING, value DOUBLE, at TIMESTAMP) USING iceberg")
    spark.sql(f"INSERT INTO {table} VALUES ('b', 2.5, TIMESTAMP '2026-01-01 23:30:00+00:00')")
    spark.sql(f"INSERT INTO {table} VALUES ('a', 1.0, NULL)")
    tag_snapshot(spark, table, "2026-01-01", current_snapshot_id(spark, table) or 0)
    spark.sql(f"DELETE FROM {table} WHERE id = 'b'")
    tag_snapshot(spark, table, "2026-01-02", current_snapshot_id(spark, table) or 0)
    # Neither a tag that is not a date's nor the main branch's newer rows are a date's rows.
    spark.sql(f"ALTER TABLE {table} CREATE TAG `before-fix`")
    spark.sql(f"INSERT INTO {table} VALUES ('c', 3.0, NULL)")

    lines = tagged_rows(spark, table)

    assert lines == sorted(lines)
    assert [json.loads(line) for line in lines] == [
        # A null is left out; a time is UTC; lines sort on their text (key "at" before "id").
        {
            "tag": "ds-2026-01-01",
            "row": {"id": "b", "value": 2.5, "at": "2026-01-01T23:30:00.000Z"},
        },
        {"tag": "ds-2026-01-01", "row": {"id": "a", "value": 1.0}},
        {"tag": "ds-2026-01-02", "row": {"id": "a", "value": 1.0}},
    ]


def test_a_table_without_date_tags_gives_no_rows(spark: SparkSession) -> None:
    table = new_table()
    spark.sql(f"CREATE TABLE {table} (id STRING) USING iceberg")
    spark.sql(f"INSERT INTO {table} VALUES ('a')")
    assert tagged_rows(spark, table) == []
