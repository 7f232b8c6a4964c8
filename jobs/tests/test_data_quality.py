"""Tests of jobs/data_quality.py: the check of the normalised rules JSON it reads (the gate's
mode: prepare writes it; test/fixtures/quality/job/ holds the gate's output for each rules
file used here), and metrics computed by local PySpark on small data whose nulls, duplicates,
out-of-range values and timestamps were counted by hand."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import cdc_ingest
import data_quality
import data_quality_files
import data_quality_rules
import pytest
from conftest import new_table
from job_common import REFUSAL_EXIT_CODE, current_snapshot_id, tag_snapshot
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

PROJECT = Path(__file__).resolve().parents[2]
JOB_RULES = PROJECT / "test" / "fixtures" / "quality" / "job"
WORKFLOW = PROJECT / ".github" / "workflows" / "daily-customer-etl-date.yml"
DAY = "2024-01-15"
NEXT_DAY = "2024-01-16"

# The silver contract as the ingest job writes it, but every column nullable: the fixtures
# deliberately hold rows that break it (a missing key is what a rule must catch).
SILVER = T.StructType(
    [T.StructField(field.name, field.dataType, True) for field in cdc_ingest.SILVER_SCHEMA]
)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)


def row(
    customer_id: str | None,
    email: str | None = "someone@example.com",
    country: str | None = "US",
    segment: str = "consumer",
    status: str = "active",
    lifetime_value: float | None = 10.0,
    updated_at: str = "2024-01-15T08:00:00",
    first_name: str = "Ada",
    last_name: str = "Lovelace",
    phone: str | None = "+1 555 0100",
) -> tuple[Any, ...]:
    return (
        customer_id,
        first_name,
        last_name,
        email,
        phone,
        country,
        segment,
        status,
        lifetime_value,
        utc("2023-06-01T00:00:00"),
        utc(updated_at),
        1,
        "U",
        dt.date(2024, 1, 15),
    )


# Hand-counted below each row: 12 rows.
ROWS = [
    row("c1"),
    row("c2", email=None, lifetime_value=-5.0, phone=None),  # missing email+phone, ltv < 0
    row("c3", email="b@example.com", country="usa", updated_at="2024-01-15T23:59:59"),
    row("c3", email="b@example.com", lifetime_value=2.0e7),  # duplicate id, ltv > 1e7
    row("c4", email="not-an-email", country=None, segment="retail"),  # bad email, no country
    row("c5", email=None, status="deleted", lifetime_value=None),  # missing email, bad status
    row("c5", first_name="Bob", status="churned"),  # duplicate id
    row("c5", first_name="Bob", segment="smb"),  # duplicate id
    row(None, email="x@example.com", country="DE", segment="enterprise"),  # missing id
    row(None, email="y@example.com", country="de"),  # missing id (not a duplicate), bad country
    row("c6", email="z@example", status="inactive"),  # email without a dot in the domain
    row("c7", lifetime_value=0.0),  # ltv exactly at the lower bound: valid
]


def write_day(spark: SparkSession, root: Path, rows: list[tuple[Any, ...]], day: str = DAY) -> Path:
    dataset = root / "silver" / "customers"
    spark.createDataFrame(rows, SILVER).coalesce(1).write.mode("overwrite").parquet(
        str(dataset / f"date={day}")
    )
    return dataset


def rules_json(name: str) -> Path:
    """The normalised rules JSON the gate writes for test/fixtures/quality/job/<name>.yml."""
    return JOB_RULES / f"{name}.json"


def source(name: str) -> str:
    return f"test/fixtures/quality/job/{name}.yml"


def run_job(
    dataset: Path, rules: Path | str, metrics: Path, day: str = DAY
) -> tuple[int, dict[str, Any] | None]:
    code = data_quality.main(
        [
            "--input",
            str(dataset),
            "--rules",
            str(rules),
            "--date",
            day,
            "--metrics-root",
            str(metrics),
        ]
    )
    document = metrics / "customers" / f"date={day}" / "metrics.json"
    return code, json.loads(document.read_text()) if document.exists() else None


def values(document: dict[str, Any]) -> dict[str, Any]:
    return {metric_id: entry["value"] for metric_id, entry in document["metrics"].items()}


def test_metrics_equal_the_hand_counted_values(spark: SparkSession, tmp_path: Path) -> None:
    dataset = write_day(spark, tmp_path, ROWS)
    code, document = run_job(dataset, rules_json("customers"), tmp_path / "metrics")

    assert code == 0
    assert document is not None
    assert values(document) == {
        "row_count": 12,
        "missing_count(customer_id)": 2,
        "missing_count(email)": 2,
        "missing_count(phone)": 1,
        "missing_count(country)": 1,
        "missing_count(last_name)": 0,
        # c3 twice (1 extra row), c5 three times (2 extra rows); the two null ids are left out.
        "duplicate_count(customer_id)": 3,
        # (Ada, someone@) for c1 and c7, (Ada, null) for c2 and c5, (Ada, b@) for both c3,
        # (Bob, someone@) for two c5 rows: 4 keys, one extra row each.
        "duplicate_count(first_name,email)": 4,
        'invalid_count(status not in ["active","inactive","churned"])': 1,
        'invalid_count(segment not in ["consumer","smb","enterprise"])': 1,
        "invalid_count(lifetime_value outside [0, 10000000])": 2,
        'invalid_count(country not matching "^[A-Z]{2}$")': 2,
        'invalid_count(email not matching "^[^@]+@[^@]+\\\\.[^@]+$")': 2,
        "max_timestamp(updated_at)": "2024-01-15T23:59:59.000Z",
        "max_timestamp(_ingest_date)": "2024-01-15T00:00:00.000Z",
    }
    assert document["metrics"]["duplicate_count(customer_id)"]["duplicate_keys"] == 2
    assert document["metrics"]["duplicate_count(first_name,email)"]["duplicate_keys"] == 4
    assert document["schema_version"] == 1
    assert document["dataset"] == "customers"
    assert document["logical_date"] == DAY
    assert document["row_count"] == 12
    assert document["columns"]["_cdc_seq"] == "bigint"
    assert document["columns"]["updated_at"] == "timestamp"
    assert document["columns"]["_ingest_date"] == "date"
    assert document["input"].endswith(f"silver/customers/date={DAY}")
    assert document["rules_file"] == source("customers")
    generated = dt.datetime.fromisoformat(document["generated_at"].replace("Z", "+00:00"))
    assert abs((dt.datetime.now(dt.timezone.utc) - generated).total_seconds()) < 300


def test_stale_timestamps_give_the_old_maximum(spark: SparkSession, tmp_path: Path) -> None:
    stale = [
        row("c1", updated_at="2024-01-09T12:00:00"),
        row("c2", updated_at="2024-01-10T06:30:00"),
    ]
    dataset = write_day(spark, tmp_path, stale)
    code, document = run_job(dataset, rules_json("stale"), tmp_path / "metrics")
    assert code == 0
    assert document is not None
    assert values(document) == {
        "row_count": 2,
        "max_timestamp(updated_at)": "2024-01-10T06:30:00.000Z",
    }


def test_an_empty_partition_has_zero_counts_and_no_timestamp(
    spark: SparkSession, tmp_path: Path
) -> None:
    dataset = write_day(spark, tmp_path, [])
    code, document = run_job(dataset, rules_json("customers"), tmp_path / "metrics")
    assert code == 0
    assert document is not None
    assert document["row_count"] == 0
    assert document["metrics"]["duplicate_count(customer_id)"]["value"] == 0
    assert document["metrics"]["max_timestamp(updated_at)"]["value"] is None


def test_a_rerun_replaces_the_document(spark: SparkSession, tmp_path: Path) -> None:
    rules = rules_json("customers")
    dataset = write_day(spark, tmp_path, ROWS)
    run_job(dataset, rules, tmp_path / "metrics")
    write_day(spark, tmp_path, ROWS[:3])
    code, document = run_job(dataset, rules, tmp_path / "metrics")
    assert code == 0
    assert document is not None
    assert document["row_count"] == 3
    folder = tmp_path / "metrics" / "customers" / f"date={DAY}"
    assert sorted(os.listdir(folder)) == ["metrics.json"]


def test_a_rule_on_a_missing_column_fails_naming_the_column(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = write_day(spark, tmp_path, ROWS[:2])
    code, document = run_job(dataset, rules_json("missing-column"), tmp_path / "metrics")
    error = capsys.readouterr().err.strip()
    assert code == 1
    assert document is None
    assert len(error.splitlines()) == 1
    assert error.startswith(
        f"data_quality: error: {source('missing-column')}: rule 1 'loyalty tier set' "
        "(missing_count): "
    )
    assert "column 'loyalty_tier' is not in the data" in error


def test_a_range_on_a_text_column_fails_clearly(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = write_day(spark, tmp_path, ROWS[:2])
    code, _ = run_job(dataset, rules_json("range-on-text"), tmp_path / "metrics")
    assert code == 1
    assert capsys.readouterr().err == (
        f"data_quality: error: {source('range-on-text')}: rule 1 (range): column 'country' is "
        "string; a range needs a numeric column\n"
    )


def test_an_invalid_java_regex_fails_before_reading(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = write_day(spark, tmp_path, ROWS[:2])
    code, _ = run_job(dataset, rules_json("java-regex"), tmp_path / "metrics")
    error = capsys.readouterr().err
    assert code == 1
    assert error.startswith(
        f"data_quality: error: {source('java-regex')}: rule 1 (pattern): "
        "'regex' is not a valid Java regex: "
    )


def test_a_missing_partition_fails_with_one_line(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = write_day(spark, tmp_path, ROWS[:2])
    code, _ = run_job(dataset, rules_json("customers"), tmp_path / "metrics", day="2024-01-16")
    error = capsys.readouterr().err.strip()
    assert code == REFUSAL_EXIT_CODE
    partition = f"{dataset}/date=2024-01-16"
    assert (
        error
        == f"data_quality: refused: --input: no partition {partition} (did the ingest job run?)"
    )


def test_table_metrics_for_an_older_date_read_that_dates_tag(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Silver as the ingest job leaves it: one tagged commit per date. The rows that break the
    # contract (a null key) go in through a nullable schema, as in the Parquet tests.
    table = new_table()
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {table.rsplit('.', 1)[0]}")
    spark.createDataFrame([], SILVER).writeTo(table).using("iceberg").create()
    for day, rows in ((DAY, ROWS[:2]), (NEXT_DAY, ROWS)):
        spark.createDataFrame(rows, SILVER).writeTo(table).overwrite(F.lit(True))
        tag_snapshot(spark, table, day, current_snapshot_id(spark, table) or 0)
    metrics = tmp_path / "metrics"
    argv = ["--table", table, "--rules", str(rules_json("customers")), "--metrics-root"]

    assert data_quality.main([*argv, str(metrics), "--date", DAY]) == 0
    older = json.loads((metrics / "customers" / f"date={DAY}" / "metrics.json").read_text())
    assert older["row_count"] == 2 and older["input"] == f"{table}@ds-{DAY}"
    assert data_quality.main([*argv, str(metrics), "--date", NEXT_DAY]) == 0
    newer = json.loads((metrics / "customers" / f"date={NEXT_DAY}" / "metrics.json").read_text())
    assert newer["row_count"] == len(ROWS)
    capsys.readouterr()

    assert data_quality.main([*argv, str(metrics), "--date", "2024-01-17"]) == REFUSAL_EXIT_CODE
    assert capsys.readouterr().err == (
        f"data_quality: refused: --table: {table} has no snapshot tagged ds-2024-01-17 "
        "(did the ingest job run?)\n"
    )


def test_a_bad_date_fails_before_spark_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run_job(tmp_path, rules_json("customers"), tmp_path / "metrics", day="2024-02-30")
    assert code == REFUSAL_EXIT_CODE
    assert capsys.readouterr().err.strip() == (
        "data_quality: refused: --date: expected a date as YYYY-MM-DD, got '2024-02-30'"
    )


def test_rules_shipped_with_files_are_found_by_name(
    spark: SparkSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = write_day(spark, tmp_path, ROWS[:2])
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    rules = shipped / "customers-shipped.json"
    shutil.copy(rules_json("row-count"), rules)
    spark.sparkContext.addFile(str(rules))
    monkeypatch.chdir(tmp_path)  # the bare name does not exist relative to the working dir
    code, document = run_job(dataset, "customers-shipped.json", tmp_path / "metrics")
    assert code == 0
    assert document is not None
    assert values(document) == {"row_count": 2}


def test_hadoop_file_systems_write_and_read_through_the_jvm(
    spark: SparkSession, tmp_path: Path
) -> None:
    """The s3:// path on EMR goes through Hadoop's FileSystem; file:// takes the same route."""
    location = f"file://{tmp_path}/quality/metrics/customers/date={DAY}/metrics.json"
    data_quality_files.write_hadoop_text(spark, location, '{"first": true}\n')
    data_quality_files.write_hadoop_text(spark, location, '{"second": "é"}\n')  # replaces
    written = tmp_path / "quality" / "metrics" / "customers" / f"date={DAY}" / "metrics.json"
    assert written.read_text(encoding="utf-8") == '{"second": "é"}\n'
    assert data_quality_files.read_hadoop_text(spark, location) == '{"second": "é"}\n'


def test_a_missing_rules_uri_fails_with_one_line(spark: SparkSession, tmp_path: Path) -> None:
    with pytest.raises(data_quality_files.JobError) as raised:
        data_quality_files.read_hadoop_text(spark, f"file://{tmp_path}/nothing.json")
    assert str(raised.value).startswith(f"--rules: cannot read file://{tmp_path}/nothing.json: ")
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--input", "x", "--date", DAY], "the following arguments are required: --rules"),
        (
            ["--rules", "r.yml", "--input", "x", "--table", "a.b.c"],
            "argument --table: not allowed with argument --input",
        ),
        (
            ["--rules", "r.yml", "--table", "silver.customers", "--date", DAY],
            "--table: expected an Iceberg table <catalog>.<namespace>.<table> "
            "(e.g. lake.silver.customers), got 'silver.customers'",
        ),
        (["--rules", "r.yml", "--dates", DAY], "unrecognized arguments: --dates 2024-01-15"),
    ],
)
def test_bad_arguments_are_refused_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    assert data_quality.main(argv) == REFUSAL_EXIT_CODE
    assert capsys.readouterr().err == f"data_quality: refused: {expected}\n"


# ------------------------------------------------------------------ the normalised rules JSON

FORMAT_LINE = (
    "expected the normalised rules JSON written by the quality gate's mode: prepare "
    "(format spark-pipeline-rules/1), got "
)


def check_rules(rules: Path | str) -> int:
    return data_quality.main(["--rules", str(rules), "--check-rules"])


def test_check_rules_prints_the_metric_ids_the_json_lists(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert check_rules(rules_json("customers")) == 0
    listed = json.loads(rules_json("customers").read_text(encoding="utf-8"))
    assert json.loads(capsys.readouterr().out) == {
        "dataset": "customers",
        "metrics": [metric["id"] for metric in listed["metrics"]],
    }


def test_the_metric_plan_is_read_from_the_json() -> None:
    rules = data_quality_rules.parse_rules_json(
        rules_json("customers").read_text(encoding="utf-8"), "customers.json"
    )
    assert rules.source == source("customers")
    assert rules.dataset == "customers"
    by_id = {spec.id: spec for spec in rules.metrics}
    assert rules.metrics[0] == data_quality_rules.MetricSpec("row_count", "row_count")
    email = by_id['invalid_count(email not matching "^[^@]+@[^@]+\\\\.[^@]+$")']
    assert (email.kind, email.columns, email.check) == ("invalid_count", ("email",), "pattern")
    assert email.settings == {"regex": "^[^@]+@[^@]+\\.[^@]+$"}
    assert email.rule == "rule 12 (pattern)"
    ltv = by_id["invalid_count(lifetime_value outside [0, 10000000])"]
    assert ltv.settings == {"min": 0, "max": 10000000}
    # A change rule's own metric, which no other rule needs.
    assert by_id["missing_count(last_name)"].rule == "rule 16 (change)"


@pytest.mark.parametrize(
    ("text", "got"),
    [
        # The rules file itself, as the job read it before the gate wrote JSON for it.
        (
            "dataset: customers\nrules:\n  - row_count: { min: 1 }\n",
            "text that is not JSON at line 1, column 1; a YAML rules file?",
        ),
        (
            '{"dataset": "customers", "rules": [{"row_count": {"min": 1}}]}',
            "JSON without 'format' (a hand-written rules file?)",
        ),
        ('{"format": "spark-pipeline-rules/2"}', 'format "spark-pipeline-rules/2"'),
        ("[]", "a JSON list"),
        ('{"format": "spark-pipeline-rules/1", "x": NaN}', "text that is not JSON"),
        ('{"format": "spark-pipeline-rules/1",', "text that is not JSON at line 1, column 37"),
    ],
)
def test_anything_but_the_normalised_json_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, got: str
) -> None:
    rules = tmp_path / "customers.yml"
    rules.write_text(text, encoding="utf-8")
    assert check_rules(rules) == REFUSAL_EXIT_CODE
    assert (
        capsys.readouterr().err == f"data_quality: refused: --rules: {rules}: {FORMAT_LINE}{got}\n"
    )


def _document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(rules_json("customers").read_text(encoding="utf-8"))
    document.update(changes)
    return document


def _with_metric(position: int, **changes: Any) -> dict[str, Any]:
    document = _document()
    metric = document["metrics"][position]
    metric.update(changes)
    for key in [key for key, value in changes.items() if value is None]:
        del metric[key]
    return document


@pytest.mark.parametrize(
    ("document", "where", "expected"),
    [
        (_document(source=None), "source", "a string"),
        (_document(dataset="a b"), "dataset", "a name of letters, digits, '_', '-' or '.'"),
        (_document(rules={}), "rules", "a list"),
        (_document(metrics=[]), "metrics", "a list starting with row_count"),
        (_with_metric(0, kind="missing_count"), "metrics[0].columns", "a list"),
        (
            _with_metric(1, kind="mean"),
            "metrics[1].kind",
            "one of row_count, missing_count, duplicate_count, invalid_count, max_timestamp",
        ),
        (_with_metric(1, columns=[]), "metrics[1].columns", "a non-empty list of column names"),
        (_with_metric(1, rule=None), "metrics[1].rule", "a string"),
        (_with_metric(1, id="row_count"), "metrics", "distinct ids"),
        (
            _with_metric(7, check="between"),
            "metrics[7].check",
            "one of allowed_values, range, pattern on one column",
        ),
        (
            _with_metric(7, values=[True]),
            "metrics[7].values",
            "a non-empty list of strings or numbers",
        ),
        (_with_metric(9, min="0"), "metrics[9].min", "a number"),
        (_with_metric(9, min=None, max=None), "metrics[9]", "a range with 'min', 'max' or both"),
        (_with_metric(10, regex=None), "metrics[10].regex", "a string"),
        (
            _document(metrics=[{"id": "row_count", "kind": "row_count"}, "x"]),
            "metrics[1]",
            "a mapping",
        ),
    ],
)
def test_a_damaged_document_is_refused_naming_the_field(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    document: dict[str, Any],
    where: str,
    expected: str,
) -> None:
    rules = tmp_path / "customers.json"
    rules.write_text(json.dumps(document), encoding="utf-8")
    assert check_rules(rules) == REFUSAL_EXIT_CODE
    assert capsys.readouterr().err == (
        f"data_quality: refused: --rules: {rules}: a spark-pipeline-rules/1 document whose "
        f"'{where}' is not {expected}: write it again with the quality gate's mode: prepare\n"
    )


def test_the_fixture_metrics_are_where_the_damage_tests_expect() -> None:
    metrics = _document()["metrics"]
    assert [metrics[i].get("check") for i in (7, 9, 10)] == ["allowed_values", "range", "pattern"]


def workflow_py_files() -> list[str]:
    """The modules the daily workflow ships beside jobs/data_quality.py (`py-files:`;
    test/workflows/workflows.test.ts checks it names every module the job imports)."""
    import yaml  # the tests' virtualenv has it; the job never imports it

    steps = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["validate-data-quality"]
    step = next(s for s in steps["steps"] if s.get("with", {}).get("entry-point") == JOB_PATH)
    return [line.strip() for line in step["with"]["py-files"].splitlines() if line.strip()]


JOB_PATH = "jobs/data_quality.py"


def _no_pyyaml_env(tmp_path: Path) -> dict[str, str]:
    """The environment of an interpreter where `import yaml` fails as on an image without
    PyYAML: a `yaml` package first on PYTHONPATH whose import raises ModuleNotFoundError
    (the .venv keeps PySpark; a second virtualenv would have to install PySpark again)."""
    shadow = tmp_path / "no-pyyaml"
    (shadow / "yaml").mkdir(parents=True)
    (shadow / "yaml" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'yaml'\", name='yaml')\n"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = str(shadow)
    env["PYSPARK_PYTHON"] = env["PYSPARK_DRIVER_PYTHON"] = sys.executable
    if not env.get("JAVA_HOME") and shutil.which("java"):
        env["JAVA_HOME"] = str(Path(shutil.which("java") or "").resolve().parent.parent)
    return env


def test_the_job_runs_without_pyyaml_on_json_rules_shipped_as_on_emr(
    spark: SparkSession, tmp_path: Path
) -> None:
    env = _no_pyyaml_env(tmp_path)
    probe = subprocess.run(
        [sys.executable, "-c", "import yaml"], env=env, capture_output=True, text=True
    )
    assert probe.returncode == 1 and "No module named 'yaml'" in probe.stderr

    dataset = write_day(spark, tmp_path, ROWS)
    # As EMR Serverless gets them: the entry point alone in its folder, its modules through
    # --py-files (the daily workflow's list), the rules JSON through --files, by its bare name.
    staged = tmp_path / "staged"
    staged.mkdir()
    shutil.copy(PROJECT / "jobs" / "data_quality.py", staged / "data_quality.py")
    rules = staged / "customers.json"
    shutil.copy(rules_json("emr"), rules)
    spark_submit = Path(sys.executable).parent / "spark-submit"
    metrics = tmp_path / "metrics"
    done = subprocess.run(
        [
            str(spark_submit),
            "--master",
            "local[1]",
            "--conf",
            "spark.ui.enabled=false",
            "--files",
            str(rules),
            "--py-files",
            ",".join(str(PROJECT / path) for path in workflow_py_files()),
            str(staged / "data_quality.py"),
            "--input",
            str(dataset),
            "--rules",
            "customers.json",
            "--date",
            DAY,
            "--metrics-root",
            str(metrics),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    document = json.loads((metrics / "customers" / f"date={DAY}" / "metrics.json").read_text())
    assert values(document) == {
        "row_count": 12,
        "missing_count(customer_id)": 2,
        "duplicate_count(customer_id)": 3,
        "invalid_count(lifetime_value outside [0, 10000000])": 2,
        "max_timestamp(updated_at)": "2024-01-15T23:59:59.000Z",
    }
    assert document["rules_file"] == source("emr")


def test_error_lines_never_copy_control_bytes_out_of_the_rules_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "a\x1b[2J\n::error::b.json"
    rules.write_text("dataset: customers\n", encoding="utf-8")
    assert check_rules(rules) == REFUSAL_EXIT_CODE
    shown = str(rules).replace("\x1b", "\\u001b").replace("\n", "\\u000a")
    assert capsys.readouterr().err == (
        f"data_quality: refused: --rules: {shown}: {FORMAT_LINE}text that is not JSON at line 1, "
        "column 1; a YAML rules file?\n"
    )
