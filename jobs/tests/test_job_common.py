"""job_common: the one home of what the jobs share, and what the jobs no longer repeat."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import cdc_ingest
import customer_summary
import data_quality
import generate_cdc
import job_common
import pytest
from pyspark.sql import SparkSession

JOBS = Path(__file__).resolve().parents[1]
ROOT = JOBS.parent
SAMPLE_DATA = ROOT / "local" / "sample-data"
# Every Python file built on job_common: the deployed jobs, the one-off migration, the
# sample-data generator and the CDC benchmark.
JOB_FILES = sorted(
    p
    for p in (
        *JOBS.glob("*.py"),
        *(JOBS / "one-off").glob("*.py"),
        *SAMPLE_DATA.glob("*.py"),
        ROOT / "bench" / "cdc_merge.py",
    )
    if p.name != "job_common.py"
)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


@pytest.mark.parametrize("path", JOB_FILES, ids=lambda path: path.name)
def test_no_job_repeats_the_shared_pieces_nor_asserts(path: Path) -> None:
    tree = _tree(path)
    assigned = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }
    assert not assigned & {"CUSTOMER_COLUMNS", "BRONZE_COLUMNS"}
    functions = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    assert not functions & {"_configure_logging", "parse_date", "normalize_root", "_fs_path"}
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    for node in classes:
        bases = {ast.unparse(base) for base in node.bases}
        assert "argparse.ArgumentParser" not in bases, f"{path.name}: {node.name}"
        assert node.name != "JobError", path.name
    # `python -O` strips asserts: a production path must raise an explicit error instead.
    asserts = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Assert)]
    assert asserts == [], f"{path.name}: assert on lines {asserts}"


def test_the_jobs_use_the_one_definition() -> None:
    assert cdc_ingest.CUSTOMER_COLUMNS is job_common.CUSTOMER_COLUMNS
    assert cdc_ingest.BRONZE_COLUMNS is job_common.BRONZE_COLUMNS
    assert [f.name for f in cdc_ingest.BRONZE_SCHEMA.fields][:-1] == list(job_common.BRONZE_COLUMNS)
    for job in (cdc_ingest, customer_summary, data_quality, generate_cdc):
        # Each job raises the shared errors it imports, and defines none of its own.
        shared = [name for name in ("JobError", "Refusal") if hasattr(job, name)]
        assert shared, job.__name__
        for name in shared:
            assert getattr(job, name) is getattr(job_common, name), f"{job.__name__}.{name}"


def test_generate_cdc_and_job_common_need_no_pyspark() -> None:
    """generate_cdc writes local bronze with plain Python: the shared module must not pull
    PySpark in at import time."""
    code = (
        "import sys; sys.modules['pyspark'] = None; sys.path[:0] = sys.argv[1:]; "
        "import job_common, generate_cdc; print(len(job_common.BRONZE_COLUMNS))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(JOBS), str(SAMPLE_DATA)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "14"


def test_run_job_reports_one_line_and_leaves_a_given_session_running(
    spark: SparkSession, capsys: pytest.CaptureFixture[str]
) -> None:
    def parse(argv: object) -> str:
        return "options"

    def work(session: job_common.LazySession, options: str) -> None:
        assert session.get() is spark
        raise job_common.JobError("bad\x1b[2J\ninput")

    assert job_common.run_job("some_job", [], parse, work, spark) == 1
    assert capsys.readouterr().err == "some_job: error: bad\\u001b[2J\\u000ainput\n"
    assert spark.sparkContext._jsc is not None  # still running


def test_a_refusal_exits_with_its_own_code_clear_of_retried_ones(
    spark: SparkSession, capsys: pytest.CaptureFixture[str]
) -> None:
    # The Spark job action is told not to re-submit this code: it must differ from 1 (any
    # other error, network ones included), Python's 2, Spark's 50-56 and the signals' 137/143.
    assert job_common.REFUSAL_EXIT_CODE not in {0, 1, 2, *range(50, 57), 137, 143}

    def work(session: job_common.LazySession, options: str) -> None:
        raise job_common.Refusal("2026-01-05 comes after a gap")

    assert job_common.run_job("some_job", [], lambda argv: "o", work, spark) == 65
    assert capsys.readouterr().err == "some_job: refused: 2026-01-05 comes after a gap\n"

    def bad_argument(argv: object) -> str:
        parser = job_common.ArgumentParser(prog="some_job")
        parser.add_argument("--date", required=True)
        return str(parser.parse_args([]))

    assert job_common.run_job("some_job", [], bad_argument, work, spark) == 65
    assert "refused: the following arguments are required: --date" in capsys.readouterr().err


def test_a_lazy_session_starts_nothing_until_asked() -> None:
    session = job_common.LazySession("never-started")
    session.close()  # nothing to stop
    assert session._session is None
