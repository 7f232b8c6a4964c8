"""Tests of jobs/data_quality.py: rules validation against the shared bad-rules fixtures, and
metrics computed by local PySpark on small data whose nulls, duplicates, out-of-range values
and timestamps were counted by hand."""

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
import pytest
from conftest import new_table
from job_common import REFUSAL_EXIT_CODE, current_snapshot_id, tag_snapshot
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

PROJECT = Path(__file__).resolve().parents[2]
FIXTURES = PROJECT / "test" / "fixtures" / "quality"
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

RULES = """
dataset: customers
rules:
  - row_count: { min: 1 }
  - missing_count: { column: customer_id }
  - missing_percent: { column: email, max: 10 }
  - missing_count: { column: phone }
  - missing_count: { column: country }
  - duplicate_count: { column: customer_id }
  - duplicate_count: { columns: [first_name, email] }
  - allowed_values: { column: status, values: [active, inactive, churned] }
  - allowed_values: { column: segment, values: [consumer, smb, enterprise] }
  - range: { column: lifetime_value, min: 0, max: 1.0e7 }
  - pattern: { column: country, regex: '^[A-Z]{2}$' }
  - pattern: { column: email, regex: '^[^@]+@[^@]+\\.[^@]+$' }
  - freshness: { column: updated_at, max_age: 1d }
  - freshness: { column: _ingest_date, max_age: 1d }
  - schema: { columns: { customer_id: string, _cdc_seq: long } }
  - change: { metric: missing_count(last_name), last: 3, max_delta: 0 }
"""


def write_day(spark: SparkSession, root: Path, rows: list[tuple[Any, ...]], day: str = DAY) -> Path:
    dataset = root / "silver" / "customers"
    spark.createDataFrame(rows, SILVER).coalesce(1).write.mode("overwrite").parquet(
        str(dataset / f"date={day}")
    )
    return dataset


def write_rules(root: Path, text: str = RULES) -> Path:
    rules = root / "customers.yml"
    rules.write_text(text, encoding="utf-8")
    return rules


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
    code, document = run_job(dataset, write_rules(tmp_path), tmp_path / "metrics")

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
    generated = dt.datetime.fromisoformat(document["generated_at"].replace("Z", "+00:00"))
    assert abs((dt.datetime.now(dt.timezone.utc) - generated).total_seconds()) < 300


def test_stale_timestamps_give_the_old_maximum(spark: SparkSession, tmp_path: Path) -> None:
    stale = [
        row("c1", updated_at="2024-01-09T12:00:00"),
        row("c2", updated_at="2024-01-10T06:30:00"),
    ]
    dataset = write_day(spark, tmp_path, stale)
    rules = write_rules(
        tmp_path,
        "dataset: customers\nrules:\n  - freshness: { column: updated_at, max_age: 36h }\n",
    )
    code, document = run_job(dataset, rules, tmp_path / "metrics")
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
    code, document = run_job(dataset, write_rules(tmp_path), tmp_path / "metrics")
    assert code == 0
    assert document is not None
    assert document["row_count"] == 0
    assert document["metrics"]["duplicate_count(customer_id)"]["value"] == 0
    assert document["metrics"]["max_timestamp(updated_at)"]["value"] is None


def test_a_rerun_replaces_the_document(spark: SparkSession, tmp_path: Path) -> None:
    rules = write_rules(tmp_path)
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
    rules = write_rules(
        tmp_path,
        "dataset: customers\nrules:\n"
        "  - name: loyalty tier set\n    missing_count: { column: loyalty_tier }\n",
    )
    code, document = run_job(dataset, rules, tmp_path / "metrics")
    error = capsys.readouterr().err.strip()
    assert code == 1
    assert document is None
    assert len(error.splitlines()) == 1
    assert error.startswith(
        f"data_quality: error: {rules}: rule 1 'loyalty tier set' (missing_count): "
    )
    assert "column 'loyalty_tier' is not in the data" in error


def test_a_range_on_a_text_column_fails_clearly(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = write_day(spark, tmp_path, ROWS[:2])
    rules = write_rules(
        tmp_path, "dataset: customers\nrules:\n  - range: { column: country, min: 0 }\n"
    )
    code, _ = run_job(dataset, rules, tmp_path / "metrics")
    assert code == 1
    assert "column 'country' is string; a range needs a numeric column" in capsys.readouterr().err


def test_an_invalid_java_regex_fails_before_reading(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = write_day(spark, tmp_path, ROWS[:2])
    rules = write_rules(
        tmp_path, "dataset: customers\nrules:\n  - pattern: { column: email, regex: '([a-z' }\n"
    )
    code, _ = run_job(dataset, rules, tmp_path / "metrics")
    error = capsys.readouterr().err
    assert code == 1
    assert "rule 1 (pattern): 'regex' is not a valid Java regex" in error


def test_a_missing_partition_fails_with_one_line(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = write_day(spark, tmp_path, ROWS[:2])
    code, _ = run_job(dataset, write_rules(tmp_path), tmp_path / "metrics", day="2024-01-16")
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
    argv = ["--table", table, "--rules", str(write_rules(tmp_path)), "--metrics-root"]

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
    code, _ = run_job(tmp_path, write_rules(tmp_path), tmp_path / "metrics", day="2024-02-30")
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
    rules = shipped / "customers-shipped.yml"
    rules.write_text("dataset: customers\nrules:\n  - row_count: { min: 1 }\n")
    spark.sparkContext.addFile(str(rules))
    monkeypatch.chdir(tmp_path)  # the bare name does not exist relative to the working dir
    code, document = run_job(dataset, "customers-shipped.yml", tmp_path / "metrics")
    assert code == 0
    assert document is not None
    assert values(document) == {"row_count": 2}


@pytest.mark.parametrize(
    "case",
    json.loads((FIXTURES / "bad-rules.json").read_text())["cases"],
    ids=lambda case: case["file"],
)
def test_bad_rules_files_give_the_shared_one_line_error(case: dict[str, str]) -> None:
    path = f"test/fixtures/quality/{case['file']}"
    text = (PROJECT / path).read_text(encoding="utf-8")
    with pytest.raises(data_quality.RulesError) as raised:
        data_quality.parse_rules(text, path)
    message = str(raised.value)
    assert "\n" not in message
    if "message" in case:
        assert message == case["message"].replace("{file}", path)
    else:
        assert message.startswith(case["startsWith"].replace("{file}", path))


def test_bad_rules_exit_1_with_the_line_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(FIXTURES / "bad-negative-k.yml")
    assert data_quality.main(["--rules", path, "--check-rules"]) == 1
    assert capsys.readouterr().err == (
        f"data_quality: error: {path}: rule 2 'volume steady' (change): "
        "'last' must be a whole number of 1 or more, got -3\n"
    )


def test_metric_ids_match_the_shared_fixture() -> None:
    text = (FIXTURES / "good-all-families.yml").read_text(encoding="utf-8")
    expected = json.loads((FIXTURES / "good-all-families.json").read_text())
    rule_set = data_quality.parse_rules(text, "good-all-families.yml")
    assert rule_set.dataset == expected["dataset"]
    assert [spec.id for spec in data_quality.plan_metrics(rule_set)] == expected["metrics"]


def test_the_shipped_customers_rules_are_valid() -> None:
    text = (PROJECT / "quality" / "customers.yml").read_text(encoding="utf-8")
    rule_set = data_quality.parse_rules(text, "quality/customers.yml")
    assert rule_set.dataset == "customers"
    assert {rule.family for rule in rule_set.rules} == set(data_quality.FAMILIES)


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0.5, "0.5"),
        (10000000.0, "10000000"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (-2.5e-10, "-2.5e-10"),
        (123456.789, "123456.789"),
        (7, "7"),
    ],
)
def test_numbers_are_written_as_javascript_writes_them(number: float, text: str) -> None:
    assert data_quality.js_number(number) == text


def test_yaml_reads_exponents_without_a_dot_as_numbers() -> None:
    rule_set = data_quality.parse_rules(
        "dataset: d\nrules:\n  - range: { column: x, max: 1e7 }\n", "f.yml"
    )
    assert rule_set.rules[0].settings["max"] == 10000000


def test_hadoop_file_systems_write_and_read_through_the_jvm(
    spark: SparkSession, tmp_path: Path
) -> None:
    """The s3:// path on EMR goes through Hadoop's FileSystem; file:// takes the same route."""
    location = f"file://{tmp_path}/quality/metrics/customers/date={DAY}/metrics.json"
    data_quality.write_hadoop_text(spark, location, '{"first": true}\n')
    data_quality.write_hadoop_text(spark, location, '{"second": "é"}\n')  # replaces
    written = tmp_path / "quality" / "metrics" / "customers" / f"date={DAY}" / "metrics.json"
    assert written.read_text(encoding="utf-8") == '{"second": "é"}\n'
    assert data_quality.read_hadoop_text(spark, location) == '{"second": "é"}\n'


def test_a_missing_rules_uri_fails_with_one_line(spark: SparkSession, tmp_path: Path) -> None:
    with pytest.raises(data_quality.JobError) as raised:
        data_quality.read_hadoop_text(spark, f"file://{tmp_path}/nothing.yml")
    assert str(raised.value).startswith(f"--rules: cannot read file://{tmp_path}/nothing.yml: ")
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


# ------------------------------------------------------------------ JSON rules, no PyYAML

RULES_AS_JSON = {
    "dataset": "customers",
    "rules": [
        {"row_count": {"min": 1}},
        {"name": "ids set", "missing_count": {"column": "customer_id"}},
        {"duplicate_count": {"column": "customer_id"}},
        {"range": {"column": "lifetime_value", "min": 0, "max": 1e7}},
        {"freshness": {"column": "updated_at", "max_age": "1d"}},
    ],
}


def test_json_rules_are_read_like_the_same_yaml() -> None:
    yaml_text = (
        "dataset: customers\nrules:\n  - row_count: { min: 1 }\n"
        "  - name: ids set\n    missing_count: { column: customer_id }\n"
        "  - duplicate_count: { column: customer_id }\n"
        "  - range: { column: lifetime_value, min: 0, max: 1e7 }\n"
        "  - freshness: { column: updated_at, max_age: 1d }\n"
    )
    from_json = data_quality.parse_rules(json.dumps(RULES_AS_JSON), "customers.json")
    from_yaml = data_quality.parse_rules(yaml_text, "customers.yml")
    assert from_json.rules == from_yaml.rules
    assert [spec.id for spec in data_quality.plan_metrics(from_json)] == [
        spec.id for spec in data_quality.plan_metrics(from_yaml)
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"dataset": "c", "rules": [', "r.json: JSON syntax error at line 1, column 28: "),
        ('{"dataset": "c", "dataset": "d"}', "r.json: JSON syntax error: duplicate key 'dataset'"),
        (
            '{"dataset": "c", "rules": [{"range": {"column": "x", "max": NaN}}]}',
            "r.json: JSON syntax error: NaN is not a JSON number",
        ),
        ('["dataset"]', "r.json: expected a mapping with 'dataset' and 'rules' at the top level"),
    ],
)
def test_bad_json_rules_give_one_line(text: str, message: str) -> None:
    with pytest.raises(data_quality.RulesError) as raised:
        data_quality.parse_rules(text, "r.json")
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


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
    # As EMR Serverless gets them: the entry point alone in its folder, job_common.py through
    # --py-files, the rules' JSON form through --files, named by its bare name.
    staged = tmp_path / "staged"
    staged.mkdir()
    shutil.copy(PROJECT / "jobs" / "data_quality.py", staged / "data_quality.py")
    rules = staged / "customers.json"
    rules.write_text(json.dumps(RULES_AS_JSON), encoding="utf-8")
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
            str(PROJECT / "jobs" / "job_common.py"),
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
    assert document["rules_file"] == "customers.json"


def test_yaml_rules_without_pyyaml_are_one_line_naming_the_json_form(tmp_path: Path) -> None:
    rules = write_rules(tmp_path)
    job = str(PROJECT / "jobs" / "data_quality.py")
    done = subprocess.run(
        [sys.executable, job, "--check-rules", "--rules", str(rules)],
        env=_no_pyyaml_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stderr == (
        f"data_quality: error: --rules: {rules} is YAML and PyYAML is not installed where the "
        "job runs: pass the JSON form the quality-gate action writes with mode: prepare, or "
        "install PyYAML\n"
    )


def test_error_lines_never_copy_control_bytes_out_of_the_rules_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = write_rules(tmp_path, 'dataset: "a\\e[2J\\n::error::b"\nrules: []\n')
    assert data_quality.main(["--rules", str(rules), "--check-rules"]) == 1
    assert capsys.readouterr().err == (
        f"data_quality: error: {rules}: 'dataset' must be a name of letters, digits, '_', '-' "
        "or '.', got 'a\\u001b[2J\\u000a::error::b'\n"
    )
