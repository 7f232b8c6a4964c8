"""Shared pytest set-up for the PySpark job tests.

One local Spark session serves every test file: starting the JVM is the slow part, so it is
started once per pytest run. It has the Iceberg runtime (the jar `npm run setup:jars` caches)
and a Hadoop catalog `lake` on a temporary warehouse, configured as the local pipeline
configures it: tests give each lake its own namespace (`new_table`). The job files are single
self-contained scripts (EMR Serverless ships one entry-point file), so the tests import them by
module name from `jobs/`, `jobs/one-off/` (the migration), `local/sample-data/` (the
sample-data generator), `local/src/emr-serverless/` (the local warm Spark driver) and
`test/support/` (the end-to-end tests' Python helpers).
"""

from __future__ import annotations

import itertools
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

JOBS_DIR = Path(__file__).resolve().parent.parent
for folder in (
    JOBS_DIR,
    JOBS_DIR / "one-off",
    JOBS_DIR.parent / "local" / "sample-data",
    JOBS_DIR.parent / "local" / "src" / "emr-serverless",
    JOBS_DIR.parent / "test" / "support",
):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


ICEBERG_JAR = JOBS_DIR.parent / ".cache" / "jars" / "iceberg-spark-runtime-3.5_2.12-1.9.2.jar"
CATALOG = "lake"
_namespaces = itertools.count(1)


def new_table(name: str = "customers") -> str:
    """A table name in a namespace no other test uses."""
    return f"{CATALOG}.t{next(_namespaces)}.{name}"


def _ensure_java_home() -> None:
    """PySpark needs a JDK; use the machine's `java` when JAVA_HOME is not set."""
    if os.environ.get("JAVA_HOME"):
        return
    java = shutil.which("java")
    if java:
        os.environ["JAVA_HOME"] = str(Path(java).resolve().parent.parent)


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """A small local Spark session shared by all job tests (local[2], 2 shuffle partitions)."""
    _ensure_java_home()
    # The workers must run the same interpreter (the project's .venv) as the driver.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)

    if not ICEBERG_JAR.is_file():
        pytest.fail(f"{ICEBERG_JAR} is missing: run `npm run setup:jars` once", pytrace=False)
    warehouse = tempfile.mkdtemp(prefix="spark-warehouse-")
    session = (
        SparkSession.builder.master("local[2]")
        .config("spark.jars", str(ICEBERG_JAR))
        .config(
            "spark.sql.extensions",
            "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        )
        .config(f"spark.sql.catalog.{CATALOG}", "org.apache.iceberg.spark.SparkCatalog")
        .config(
            f"spark.sql.catalog.{CATALOG}.catalog-impl", "org.apache.iceberg.hadoop.HadoopCatalog"
        )
        .config(f"spark.sql.catalog.{CATALOG}.warehouse", f"{warehouse}/iceberg")
        .appName("jobs-tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", warehouse)
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={warehouse}")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
        shutil.rmtree(warehouse, ignore_errors=True)
