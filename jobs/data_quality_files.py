"""The data-quality job's files: the rules JSON it reads and the metrics document it writes,
on a local disk, through Hadoop's file systems (s3:// on EMR), or shipped with --files."""

from __future__ import annotations

import os
import tempfile
from typing import TYPE_CHECKING, Any

from job_common import JobError
from job_common import write_text as write_hadoop_text

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def is_local(path: str) -> bool:
    return "://" not in path or path.startswith("file://")


def local_path(path: str) -> str:
    return path[len("file://") :] if path.startswith("file://") else path


def read_rules_text(spark_factory: Any, location: str) -> str:
    if not is_local(location):
        return read_hadoop_text(spark_factory(), location)
    path = local_path(location)
    if not os.path.exists(path) and os.sep not in path:
        # A bare name: the file was shipped with spark-submit --files.
        from pyspark import SparkFiles

        spark_factory()
        try:
            shipped = SparkFiles.get(path)
        except Exception:
            shipped = ""
        if shipped and os.path.exists(shipped):
            path = shipped
    if not os.path.isfile(path):
        raise JobError(
            f"--rules: no file {location} "
            "(a local path, an s3:// URI, or a file shipped with --files)"
        )
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def write_text(spark: SparkSession, location: str, text: str) -> None:
    """Replaces the file at `location`: atomically on a local disk, through Hadoop's FileSystem
    (EMRFS, S3A, HDFS) otherwise."""
    if not is_local(location):
        write_hadoop_text(spark, location, text)
        return
    path = local_path(location)
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".metrics-", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


def read_hadoop_text(spark: SparkSession, location: str) -> str:
    """A whole text file through Spark's Hadoop file systems (s3:// on EMR, s3a://, hdfs://)."""
    try:
        rows = spark.read.text(location, wholetext=True).collect()
    except Exception as error:
        reason = str(error).splitlines()[0]
        raise JobError(f"--rules: cannot read {location}: {reason}") from None
    if not rows:
        raise JobError(f"--rules: {location} is empty")
    return str(rows[0][0])


def metrics_location(metrics_root: str, dataset: str, logical_date: str) -> str:
    return f"{metrics_root.rstrip('/')}/{dataset}/date={logical_date}/metrics.json"
