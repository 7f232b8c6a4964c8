"""What the pipeline's jobs share: the customer columns, one-line errors, the lake's dates and
paths, Hadoop file system access, the Iceberg tables' date tags and commits, and the entry
point around a job.

On EMR Serverless this file travels beside each job with `spark-submit --py-files` (the daily
workflow's `py-files:` input). Locally nothing is needed: Python puts the folder of the script
it runs on `sys.path`, so `spark-submit jobs/cdc_ingest.py` finds it next to the job.

PySpark is imported only where Spark is used: generate_cdc.py writes local files with plain
Python and imports this module too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeVar

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# The customers table of the Oracle export, in its order: bronze carries these after the CDC
# columns, silver keeps them and adds its lineage columns.
CUSTOMER_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "country",
    "segment",
    "status",
    "lifetime_value",
    "created_at",
    "updated_at",
)
CDC_COLUMNS: tuple[str, ...] = ("op", "change_seq", "change_ts")
BRONZE_COLUMNS: tuple[str, ...] = (*CDC_COLUMNS, *CUSTOMER_COLUMNS)

_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_BUCKET_SCHEMES = ("s3", "s3a", "s3n", "gs", "abfs", "abfss", "hdfs")


# The exit code of a refusal: clear of 1 (any other error, S3 and network ones included, which
# a re-run may cure), of Python's 2, of Spark's own 50-56 and of the signals' 137/143. It is
# sysexits' EX_DATAERR. The daily workflow names it in the Spark job action's
# no-retry-exit-codes, so a refused run is neither submitted again nor re-run.
REFUSAL_EXIT_CODE = 65


class JobError(Exception):
    """A problem the operator can fix (missing input, bad data): one line, exit 1. A re-run
    may succeed (the input may appear, a network error pass), so the run is retried."""


class Refusal(JobError):
    """A refusal that no re-run can change: a date out of order (a gap, a rewrite), a missing
    partition or table snapshot, a bad argument. One line, exit REFUSAL_EXIT_CODE."""


def printable(text: str) -> str:
    """Text from a file, safe for one log line: control characters become `\\uXXXX` (a byte
    read out of a rules file must not end the line or start a workflow command)."""
    return _CONTROL_RE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


class ArgumentParser(argparse.ArgumentParser):
    """argparse, with its errors as one line and a refusal's exit code like every other
    argument check (not the usage text and exit 2)."""

    def error(self, message: str) -> NoReturn:
        raise Refusal(message)


# ------------------------------------------------------------------------- dates and paths


def parse_date(value: str, name: str = "--date") -> dt.date:
    """A calendar date written exactly YYYY-MM-DD."""
    if not DATE_RE.match(value or ""):
        raise Refusal(f"{name}: expected a date YYYY-MM-DD, got '{value}'")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Refusal(f"{name}: expected a date YYYY-MM-DD, got '{value}'") from None


def normalize_root(value: str, name: str) -> str:
    """A dataset root as Hadoop should see it: `s3://`, `s3a://`, `file:` … URIs kept as given,
    local paths made absolute; no trailing slash."""
    text = (value or "").strip()
    if not text:
        raise Refusal(f"{name}: expected an s3:// URI or a local path, got ''")
    scheme = _SCHEME_RE.match(text)
    if scheme and len(scheme.group(1)) > 1:  # a one-letter "scheme" is a Windows drive
        if scheme.group(1).lower() in _BUCKET_SCHEMES:
            rest = text[len(scheme.group(0)) :]
            if not rest.startswith("//") or not rest[2:].split("/")[0]:
                raise Refusal(
                    f"{name}: expected {scheme.group(1)}://<bucket>/<prefix>, got '{value}'"
                )
        stripped = text.rstrip("/")
        return stripped if not stripped.endswith(":/") else text
    return os.path.abspath(text).rstrip("/") or "/"


def partition_path(root: str, ds: dt.date | str) -> str:
    """`<root>/date=<ds>`, the layout every dataset of the lake uses."""
    return f"{root.rstrip('/')}/date={ds}"


# ------------------------------------------------------------------ Hadoop file system access


def jvm_of(spark: SparkSession) -> Any:
    """The session's JVM gateway; a stopped session has none."""
    jvm = spark.sparkContext._jvm
    if jvm is None:
        raise JobError("the Spark session has no JVM (was it stopped?)")
    return jvm


def java_message(error: Exception) -> str:
    """The first line of a py4j-wrapped Java exception: it says enough."""
    java = getattr(error, "java_exception", None)
    text = str(java.toString()) if java is not None else str(error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def fs_path(spark: SparkSession, uri: str) -> tuple[Any, Any]:
    """Hadoop's FileSystem and Path for `uri`: every scheme the cluster knows (EMRFS s3://,
    s3a://, hdfs://, file:), without boto3."""
    path = jvm_of(spark).org.apache.hadoop.fs.Path(uri)
    try:
        fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    except Exception as error:
        raise JobError(f"cannot access {uri}: {java_message(error)}") from None
    return fs, path


def path_exists(spark: SparkSession, uri: str) -> bool:
    fs, path = fs_path(spark, uri)
    try:
        return bool(fs.exists(path))
    except Exception as error:  # access denied, unknown bucket, network: name the path
        raise JobError(f"cannot access {uri}: {java_message(error)}") from None


def list_children(spark: SparkSession, uri: str) -> list[tuple[str, bool]]:
    """(name, is_directory) of the entries directly under `uri`; [] when it does not exist."""
    if not path_exists(spark, uri):
        return []
    fs, path = fs_path(spark, uri)
    try:
        statuses = fs.listStatus(path)
    except Exception as error:
        raise JobError(f"cannot list {uri}: {java_message(error)}") from None
    return [(str(s.getPath().getName()), bool(s.isDirectory())) for s in statuses]


def partition_dates(spark: SparkSession, root: str) -> list[dt.date]:
    """The dates of the `date=YYYY-MM-DD` folders under `root`, sorted."""
    dates = []
    for name, is_dir in list_children(spark, root):
        if is_dir and name.startswith("date=") and DATE_RE.match(name[5:]):
            try:
                dates.append(dt.date.fromisoformat(name[5:]))
            except ValueError:
                continue
    return sorted(dates)


def write_text(spark: SparkSession, uri: str, text: str) -> None:
    """Creates or replaces the file at `uri`."""
    fs, path = fs_path(spark, uri)
    stream = fs.create(path, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def delete_path(spark: SparkSession, uri: str) -> None:
    fs, path = fs_path(spark, uri)
    if fs.exists(path):
        fs.delete(path, True)


# ---------------------------------------------------------------------------- Iceberg tables
# The catalog behind a table name (Glue on EMR, a Hadoop catalog on a local lake) is Spark
# conf the submitter gives (`spark.sql.catalog.<name>...`); nothing here depends on which.

TAG_PREFIX = "ds-"
_IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_table(value: str, name: str = "--table") -> str:
    """A table name `<catalog>.<namespace>.<table>` (plain identifiers, no quoting)."""
    parts = (value or "").strip().split(".")
    if len(parts) != 3 or not all(_IDENTIFIER_RE.match(part) for part in parts):
        raise Refusal(
            f"{name}: expected an Iceberg table <catalog>.<namespace>.<table> "
            f"(e.g. lake.silver.customers), got '{value}'"
        )
    return ".".join(parts)


def date_tag(ds: dt.date | str) -> str:
    """The tag of the snapshot that holds a logical date's table content."""
    return f"{TAG_PREFIX}{ds}"


def iceberg_table(spark: SparkSession, table: str) -> Any:
    """The Java `org.apache.iceberg.Table` behind a Spark table name, freshly loaded."""
    jvm = jvm_of(spark)
    try:
        return jvm.org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark._jsparkSession, table)
    except Exception as error:
        raise JobError(f"cannot load the Iceberg table {table}: {java_message(error)}") from None


def table_exists(spark: SparkSession, table: str) -> bool:
    try:
        return bool(spark.catalog.tableExists(table))
    except Exception as error:
        raise JobError(f"cannot look up the table {table}: {java_message(error)}") from None


def date_tags(spark: SparkSession, table: str) -> dict[dt.date, int]:
    """Snapshot id per logical date, from the table's `ds-YYYY-MM-DD` tags; {} without a table."""
    if not table_exists(spark, table):
        return {}
    tags: dict[dt.date, int] = {}
    refs = iceberg_table(spark, table).refs()
    for name in list(refs.keySet()):
        ref = refs.get(name)
        text = str(name)
        if not ref.isTag() or not text.startswith(TAG_PREFIX):
            continue
        day = text[len(TAG_PREFIX) :]
        if DATE_RE.match(day):
            try:
                tags[dt.date.fromisoformat(day)] = int(ref.snapshotId())
            except ValueError:
                continue
    return dict(sorted(tags.items()))


def current_snapshot_id(spark: SparkSession, table: str) -> int | None:
    snapshot = iceberg_table(spark, table).currentSnapshot()
    return None if snapshot is None else int(snapshot.snapshotId())


def snapshot_summary(spark: SparkSession, table: str, snapshot_id: int) -> dict[str, str]:
    snapshot = iceberg_table(spark, table).snapshot(snapshot_id)
    if snapshot is None:
        raise JobError(f"the table {table} has no snapshot {snapshot_id} (expired?)")
    summary = snapshot.summary()
    return {str(key): str(summary.get(key)) for key in list(summary.keySet())}


def read_date(spark: SparkSession, table: str, ds: dt.date | str) -> Any:
    """The table as of a logical date's tag (time travel), as a DataFrame."""
    return spark.read.option("tag", date_tag(ds)).table(table)


def tag_snapshot(spark: SparkSession, table: str, ds: dt.date | str, snapshot_id: int) -> None:
    spark.sql(
        f"ALTER TABLE {table} CREATE OR REPLACE TAG `{date_tag(ds)}` AS OF VERSION {snapshot_id}"
    )


def with_commit_properties(
    spark: SparkSession, properties: dict[str, str], work: Callable[[], None]
) -> None:
    """Runs `work` (one Spark write: MERGE, overwrite) so that the snapshot it commits carries
    `properties` in its summary.

    Iceberg reads them from a thread-local (`CommitMetadata.withCommitProperties`) that only
    a Java callback sees; a SQL MERGE has no write options. PySpark's pinned-thread gateway
    runs the Python callback, and the Spark calls it makes, on the Java thread that set it.
    """
    from pyspark.java_gateway import ensure_callback_server_started

    gateway = spark.sparkContext._gateway
    if gateway is None:
        raise JobError("the Spark session has no gateway (was it stopped?)")
    # PySpark leaves this one unannotated.
    ensure_callback_server_started(gateway)  # type: ignore[no-untyped-call]
    jvm = jvm_of(spark)
    failure: list[BaseException] = []

    class Work:
        def call(self) -> None:
            try:
                work()
            except BaseException as error:  # handed back to the caller below
                failure.append(error)

        class Java:
            implements = ("java.util.concurrent.Callable",)

    java_properties = jvm.java.util.HashMap()
    for key, value in properties.items():
        java_properties.put(key, value)
    jvm.org.apache.iceberg.spark.CommitMetadata.withCommitProperties(
        java_properties, Work(), jvm.java.lang.Class.forName("java.lang.RuntimeException")
    )
    if failure:
        raise failure[0]


# ------------------------------------------------------------------------------ entry point


def configure_logging(log: logging.Logger) -> None:
    # Only the job's logger: py4j and Spark keep their own levels.
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.INFO)


class LazySession:
    """The job's Spark session, started on first use, so that a bad argument or a rules check
    starts no JVM; `close()` stops it only if this object started it (a session handed in, or
    already active in the process as in the tests, is left running)."""

    def __init__(self, app_name: str, given: SparkSession | None = None) -> None:
        self.app_name = app_name
        self._session = given
        self._owned = False

    def get(self) -> SparkSession:
        if self._session is None:
            from pyspark.sql import SparkSession

            self._owned = SparkSession.getActiveSession() is None
            self._session = SparkSession.builder.appName(self.app_name).getOrCreate()
        return self._session

    def close(self) -> None:
        if self._owned and self._session is not None:
            self._session.stop()
            self._session = None


Options = TypeVar("Options")


def run_job(
    job: str,
    argv: Sequence[str] | None,
    parse: Callable[[Sequence[str] | None], Options],
    work: Callable[[LazySession, Options], object],
    spark: SparkSession | None = None,
    errors: tuple[type[Exception], ...] = (),
) -> int:
    """A job's main(): parses the arguments, runs the work, and turns every error the user can
    fix (JobError, and `errors`) into one line `<job>: error: <message>` and exit code 1, or
    REFUSAL_EXIT_CODE for a Refusal (`<job>: refused: <message>`).

    A session passed in is left running; one the job started is stopped at the end.
    """
    configure_logging(logging.getLogger(job))
    expected: tuple[type[Exception], ...] = (JobError, *errors)

    def report(error: Exception) -> int:
        refused = isinstance(error, Refusal)
        kind: Literal["refused", "error"] = "refused" if refused else "error"
        print(f"{job}: {kind}: {printable(str(error))}", file=sys.stderr, flush=True)
        return REFUSAL_EXIT_CODE if refused else 1

    try:
        options = parse(argv)
    except expected as error:
        return report(error)
    date = getattr(options, "date", None)
    session = LazySession(f"{job} {date}" if date else job, spark)
    try:
        work(session, options)
        return 0
    except expected as error:
        return report(error)
    finally:
        session.close()
