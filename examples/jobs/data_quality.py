"""Data-quality metrics job: computes the metrics a dataset's rules file needs for one date.

    spark-submit data_quality.py --table lake.silver.customers --rules customers.yml \
        --date 2024-01-01 --metrics-root <root>/quality/metrics

Reads an Iceberg table as of the date's tag `ds-<date>` (`--table`: time travel, so a re-run
for an older date sees that date's rows) or a Parquet dataset's `<input>/date=<date>`
(`--input`), validates the rules file (the same checks, with the
same messages, as the quality-gate action), computes exactly the metrics the rules need in
one aggregate pass plus one groupBy per uniqueness key, and writes the metrics document to
`<metrics-root>/<dataset>/date=<date>/metrics.json`, replacing the one of an earlier run.

`--rules` is a local path, a Hadoop file system URI (`s3://...`) or the bare name of a file
shipped with `spark-submit --files`. A `.json` file is read with the standard library: it is
the form the quality-gate action writes with `mode: prepare` (the rules file it validated, as
JSON), and what the pipeline ships to EMR, whose image need not have PyYAML. Any other file is
YAML and needs PyYAML (local use). `--check-rules` validates the rules file and prints the
metric ids it needs, without starting Spark.

Needs job_common.py beside it (`--py-files` on EMR).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, get_args

from job_common import (
    ArgumentParser,
    JobError,
    LazySession,
    Refusal,
    date_tag,
    date_tags,
    jvm_of,
    parse_table,
    run_job,
)
from job_common import write_text as write_hadoop_text

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

JOB = "data_quality"
SCHEMA_VERSION = 1

Family = Literal[
    "row_count",
    "missing_count",
    "missing_percent",
    "duplicate_count",
    "allowed_values",
    "range",
    "pattern",
    "freshness",
    "schema",
    "change",
]
Severity = Literal["error", "warn"]
# What a metric counts or measures, and for invalid_count the check that decides validity.
MetricKind = Literal[
    "row_count", "missing_count", "duplicate_count", "invalid_count", "max_timestamp"
]
ValidityCheck = Literal["allowed_values", "range", "pattern"]
# What a change rule compares today's metric with: the earlier dates' mean, least or greatest.
Compare = Literal["avg", "min", "max"]

FAMILIES: tuple[Family, ...] = get_args(Family)
RULE_KEYS = ("name", "severity")
INVALID_BOUNDS = ("max_invalid", "max_invalid_percent")
SETTINGS: dict[Family, tuple[str, ...]] = {
    "row_count": ("min", "max"),
    "missing_count": ("column", "max"),
    "missing_percent": ("column", "max"),
    "duplicate_count": ("column", "columns", "max"),
    "allowed_values": ("column", "values", *INVALID_BOUNDS),
    "range": ("column", "min", "max", *INVALID_BOUNDS),
    "pattern": ("column", "regex", *INVALID_BOUNDS),
    "freshness": ("column", "max_age"),
    "schema": ("columns", "exact"),
    "change": ("metric", "compare", "last", "min_ratio", "max_ratio", "min_delta", "max_delta"),
}
SIMPLE_TYPES = (
    "string",
    "boolean",
    "tinyint",
    "smallint",
    "int",
    "bigint",
    "float",
    "double",
    "date",
    "timestamp",
    "timestamp_ntz",
    "binary",
)
TYPE_ALIASES = {
    "bool": "boolean",
    "byte": "tinyint",
    "short": "smallint",
    "integer": "int",
    "long": "bigint",
    "real": "float",
}
DATASET_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
METRIC_REF = re.compile(r"^(missing_count|missing_percent|duplicate_count)\((.*)\)$")


class RulesError(Exception):
    """A mistake in a rules file: one line naming the file, the rule and what is wrong."""


# ---------------------------------------------------------------------------------------------
# Rules: parsing and validation. The quality-gate action (src/quality/rules.ts) applies the
# same checks with the same messages; both are tested against test/fixtures/quality/.


@dataclass(frozen=True)
class Rule:
    index: int
    family: Family
    severity: Severity
    name: str | None
    settings: dict[str, Any]

    @property
    def label(self) -> str:
        return rule_label(self.index, self.name)


@dataclass(frozen=True)
class RuleSet:
    file: str
    dataset: str
    rules: list[Rule]


def rule_label(index: int, name: Any) -> str:
    return f"rule {index} '{name}'" if isinstance(name, str) and name.strip() else f"rule {index}"


def js_number(value: float | int) -> str:
    """Formats a number exactly as JavaScript's String(number) does, so ids match the gate's."""
    if isinstance(value, int):
        return str(value)
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    parts = Decimal(repr(abs(value))).as_tuple()
    all_digits = "".join(str(digit) for digit in parts.digits)
    point = len(all_digits) + int(parts.exponent)
    digits = all_digits.lstrip("0")
    point -= len(all_digits) - len(digits)
    digits = digits.rstrip("0") or "0"
    size = len(digits)
    if size <= point <= 21:
        return sign + digits + "0" * (point - size)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    exponent = point - 1
    mantissa = digits if size == 1 else digits[0] + "." + digits[1:]
    return f"{sign}{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent)}"


def describe(value: Any) -> str:
    """How a wrong value is shown in a message (the same words as the gate's)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number(value)
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def is_whole(value: Any) -> bool:
    return is_number(value) and float(value).is_integer()


def normalise_type(text: str) -> str | None:
    """The Spark simpleString of a type written in a schema rule, or None when unknown."""
    lowered = re.sub(r"\s+", "", text.strip().lower())
    lowered = TYPE_ALIASES.get(lowered, lowered)
    if lowered in SIMPLE_TYPES:
        return lowered
    if re.fullmatch(r"decimal\(\d+,\d+\)", lowered):
        return lowered
    if re.fullmatch(r"(array|map|struct)<.+>", lowered):
        return lowered
    return None


def duration_seconds(text: str) -> int | None:
    match = DURATION.match(text.strip())
    if not match or not any(match.groups()):
        return None
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def parse_metric_ref(text: str) -> str | None:
    """The canonical metric id a change rule refers to, or None when it is not one."""
    stripped = text.strip()
    if stripped == "row_count":
        return stripped
    match = METRIC_REF.match(stripped)
    if not match:
        return None
    columns = [column.strip() for column in match.group(2).split(",")]
    if not all(columns):
        return None
    if match.group(1) != "duplicate_count" and len(columns) != 1:
        return None
    return f"{match.group(1)}({','.join(columns)})"


@functools.lru_cache(maxsize=1)
def yaml_loader() -> Any:
    """PyYAML's SafeLoader, adjusted to read YAML 1.1 exactly as the gate's parser (the npm
    `yaml` package) does: `1e7` is a number, `y`/`n` are booleans, duplicate keys are refused.
    None when PyYAML is not installed (EMR's image need not have it: JSON rules need none)."""
    try:
        import yaml
    except ImportError:
        return None

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:float"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(
            r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
            |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
            |[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?
            |[-+]?\.(?:inf|Inf|INF)
            |\.(?:nan|NaN|NAN))$""",
            re.VERBOSE,
        ),
        list("-+0123456789."),
    )
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), list("yYnN")
    )
    Loader.bool_values = {**yaml.SafeLoader.bool_values, "y": True, "n": False}

    def unique_mapping(loader: Any, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if isinstance(key, (list, dict)):
                continue
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            seen.add(key)
        return loader.construct_mapping(node, deep=deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, unique_mapping)
    return yaml, Loader


def parse_rules(text: str, file: str) -> RuleSet:
    """Parses and validates a rules file (JSON when its name ends in .json, YAML otherwise);
    raises RulesError with one line on any mistake."""
    if file.lower().endswith(".json"):
        return validate_rules(load_json_rules(text, file), file)
    return validate_rules(load_yaml_rules(text, file), file)


def load_json_rules(text: str, file: str) -> Any:
    """Strict JSON: a repeated key or NaN/Infinity is an error, as they are in the YAML."""

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for key, value in pairs:
            if key in mapping:
                raise RulesError(f"{file}: JSON syntax error: duplicate key '{key}'")
            mapping[key] = value
        return mapping

    def constant(name: str) -> Any:
        raise RulesError(f"{file}: JSON syntax error: {name} is not a JSON number")

    try:
        return json.loads(text, object_pairs_hook=unique, parse_constant=constant)
    except json.JSONDecodeError as error:
        raise RulesError(
            f"{file}: JSON syntax error at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None


def load_yaml_rules(text: str, file: str) -> Any:
    loaded = yaml_loader()
    if loaded is None:
        raise JobError(
            f"--rules: {file} is YAML and PyYAML is not installed where the job runs: pass the "
            "JSON form the quality-gate action writes with mode: prepare, or install PyYAML"
        )
    yaml, loader = loaded
    try:
        return yaml.load(text, Loader=loader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = (error.problem or error.context or "invalid YAML").strip()
        raise RulesError(f"{file}: YAML syntax error{where}: {reason}") from None
    except yaml.YAMLError as error:
        raise RulesError(f"{file}: YAML syntax error: {str(error).splitlines()[0]}") from None


def validate_rules(document: Any, file: str) -> RuleSet:
    if not isinstance(document, dict):
        raise RulesError(f"{file}: expected a mapping with 'dataset' and 'rules' at the top level")
    for key in document:
        if key not in ("dataset", "rules"):
            raise RulesError(f"{file}: unknown top-level key '{key}' (expected dataset, rules)")
    dataset = document.get("dataset")
    if not isinstance(dataset, str) or not DATASET_NAME.match(dataset):
        raise RulesError(
            f"{file}: 'dataset' must be a name of letters, digits, '_', '-' or '.', "
            f"got {describe(dataset)}"
        )
    rules = document.get("rules")
    if not isinstance(rules, list) or not rules:
        raise RulesError(f"{file}: 'rules' must be a non-empty list, got {describe(rules)}")
    parsed: list[Rule] = []
    names: dict[str, int] = {}
    for index, raw in enumerate(rules, start=1):
        rule = validate_rule(raw, index, file)
        if rule.name is not None:
            if rule.name in names:
                raise RulesError(
                    f"{file}: {rule.label}: the name is used by rule {names[rule.name]} too"
                )
            names[rule.name] = index
        parsed.append(rule)
    return RuleSet(file=file, dataset=dataset, rules=parsed)


def validate_rule(raw: Any, index: int, file: str) -> Rule:
    families = ", ".join(FAMILIES)
    if not isinstance(raw, dict):
        raise RulesError(
            f"{file}: rule {index}: expected a mapping with one rule family ({families})"
        )
    label = rule_label(index, raw.get("name"))
    for key in raw:
        if key not in FAMILIES and key not in RULE_KEYS:
            raise RulesError(
                f"{file}: {label}: unknown rule '{key}' "
                f"(expected one of {families}; or name, severity)"
            )
    found = [key for key in raw if key in FAMILIES]
    if not found:
        raise RulesError(f"{file}: {label}: no rule family (expected one of {families})")
    if len(found) > 1:
        raise RulesError(
            f"{file}: {label}: more than one rule family ({', '.join(found)}); "
            "write one rule per list item"
        )
    name = raw.get("name")
    if "name" in raw and (not isinstance(name, str) or not name.strip()):
        raise RulesError(
            f"{file}: {label}: 'name' must be a non-empty string, got {describe(name)}"
        )
    severity = raw.get("severity", "error")
    if severity not in get_args(Severity):
        raise RulesError(
            f"{file}: {label}: 'severity' must be error or warn, got {describe(severity)}"
        )
    family = found[0]
    settings = raw[family]
    where = f"{file}: {label} ({family})"
    if not isinstance(settings, dict):
        raise RulesError(
            f"{where}: expected a mapping of settings ({', '.join(SETTINGS[family])}), "
            f"got {describe(settings)}"
        )
    for key in settings:
        if key not in SETTINGS[family]:
            raise RulesError(
                f"{where}: unknown setting '{key}' (expected {', '.join(SETTINGS[family])})"
            )
    checked = _validate_settings(family, dict(settings), where)
    return Rule(index=index, family=family, severity=severity, name=name, settings=checked)


def _fail(where: str, message: str) -> RulesError:
    return RulesError(f"{where}: {message}")


def _column(settings: dict[str, Any], where: str, key: str = "column") -> str:
    value = settings.get(key)
    if value is None:
        raise _fail(where, f"'{key}' is required")
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"'{key}' must be a column name, got {describe(value)}")
    return value


def _whole(settings: dict[str, Any], key: str, where: str, minimum: int) -> int | None:
    value = settings.get(key)
    if value is None:
        return None
    if not is_whole(value) or value < minimum:
        raise _fail(
            where, f"'{key}' must be a whole number of {minimum} or more, got {describe(value)}"
        )
    return int(value)


def _number(
    settings: dict[str, Any],
    key: str,
    where: str,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float | int | None:
    value = settings.get(key)
    if value is None:
        return None
    if minimum is not None and maximum is not None:
        expected = f"a number from {js_number(minimum)} to {js_number(maximum)}"
    elif minimum is not None:
        expected = f"a number of {js_number(minimum)} or more"
    else:
        expected = "a number"
    if not is_number(value) or value in (float("inf"), float("-inf")):
        raise _fail(where, f"'{key}' must be {expected}, got {describe(value)}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise _fail(where, f"'{key}' must be {expected}, got {describe(value)}")
    return int(value) if is_whole(value) else value


def _ordered(settings: dict[str, Any], low: str, high: str, where: str) -> None:
    low_value, high_value = settings.get(low), settings.get(high)
    if low_value is not None and high_value is not None and low_value > high_value:
        raise _fail(where, f"'{low}' must not be greater than '{high}'")


def _invalid_bounds(settings: dict[str, Any], where: str) -> None:
    if settings.get("max_invalid") is not None and settings.get("max_invalid_percent") is not None:
        raise _fail(where, "give 'max_invalid' or 'max_invalid_percent', not both")
    settings["max_invalid"] = _whole(settings, "max_invalid", where, 0)
    settings["max_invalid_percent"] = _number(settings, "max_invalid_percent", where, 0, 100)
    if settings["max_invalid"] is None and settings["max_invalid_percent"] is None:
        settings["max_invalid"] = 0


def _validate_settings(family: Family, settings: dict[str, Any], where: str) -> dict[str, Any]:
    if family == "row_count":
        settings["min"] = _whole(settings, "min", where, 0)
        settings["max"] = _whole(settings, "max", where, 0)
        if settings["min"] is None and settings["max"] is None:
            raise _fail(where, "give 'min', 'max' or both")
        _ordered(settings, "min", "max", where)
    elif family == "missing_count":
        settings["column"] = _column(settings, where)
        maximum = _whole(settings, "max", where, 0)
        settings["max"] = 0 if maximum is None else maximum
    elif family == "missing_percent":
        settings["column"] = _column(settings, where)
        if settings.get("max") is None:
            raise _fail(where, "'max' is required")
        settings["max"] = _number(settings, "max", where, 0, 100)
    elif family == "duplicate_count":
        has_column, has_columns = "column" in settings, "columns" in settings
        if has_column == has_columns:
            raise _fail(where, "give 'column' (one key column) or 'columns' (a composite key)")
        if has_column:
            settings["columns"] = [_column(settings, where)]
            del settings["column"]
        else:
            columns = settings["columns"]
            if (
                not isinstance(columns, list)
                or not columns
                or not all(isinstance(column, str) and column.strip() for column in columns)
            ):
                raise _fail(
                    where,
                    f"'columns' must be a non-empty list of column names, got {describe(columns)}",
                )
            if len(set(columns)) != len(columns):
                raise _fail(where, "'columns' names a column twice")
        maximum = _whole(settings, "max", where, 0)
        settings["max"] = 0 if maximum is None else maximum
    elif family == "allowed_values":
        settings["column"] = _column(settings, where)
        values = settings.get("values")
        if values is None:
            raise _fail(where, "'values' is required")
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(value, str) or is_number(value) for value in values)
            or any(isinstance(value, bool) for value in values)
        ):
            raise _fail(
                where,
                f"'values' must be a non-empty list of strings or numbers, got {describe(values)}",
            )
        _invalid_bounds(settings, where)
    elif family == "range":
        settings["column"] = _column(settings, where)
        settings["min"] = _number(settings, "min", where)
        settings["max"] = _number(settings, "max", where)
        if settings["min"] is None and settings["max"] is None:
            raise _fail(where, "give 'min', 'max' or both")
        _ordered(settings, "min", "max", where)
        _invalid_bounds(settings, where)
    elif family == "pattern":
        settings["column"] = _column(settings, where)
        regex = settings.get("regex")
        if regex is None:
            raise _fail(where, "'regex' is required")
        if not isinstance(regex, str) or not regex:
            raise _fail(where, f"'regex' must be a non-empty string, got {describe(regex)}")
        _invalid_bounds(settings, where)
    elif family == "freshness":
        settings["column"] = _column(settings, where)
        max_age = settings.get("max_age")
        if max_age is None:
            raise _fail(where, "'max_age' is required")
        if not isinstance(max_age, str) or duration_seconds(max_age) is None:
            raise _fail(
                where,
                f"'max_age' must be a duration such as 36h, 2d or 1d12h, got {describe(max_age)}",
            )
        settings["max_age_seconds"] = duration_seconds(max_age)
    elif family == "schema":
        columns = settings.get("columns")
        if not isinstance(columns, dict) or not columns:
            raise _fail(
                where,
                f"'columns' must be a mapping of column name to type, got {describe(columns)}",
            )
        normalised: dict[str, str] = {}
        for column, type_name in columns.items():
            spark_type = normalise_type(type_name) if isinstance(type_name, str) else None
            if spark_type is None:
                raise _fail(
                    where,
                    f"column '{column}': unknown type {describe(type_name)} (expected a Spark "
                    "type such as string, bigint, double, timestamp, date, decimal(10,2))",
                )
            normalised[str(column)] = spark_type
        settings["columns"] = normalised
        exact = settings.get("exact", False)
        if not isinstance(exact, bool):
            raise _fail(where, f"'exact' must be true or false, got {describe(exact)}")
        settings["exact"] = exact
    elif family == "change":
        metric = settings.get("metric")
        if metric is None:
            raise _fail(where, "'metric' is required")
        reference = parse_metric_ref(metric) if isinstance(metric, str) else None
        if reference is None:
            raise _fail(
                where,
                "'metric' must be row_count, missing_count(<column>), missing_percent(<column>) "
                f"or duplicate_count(<column>, ...), got {describe(metric)}",
            )
        settings["metric"] = reference
        compare = settings.get("compare", "avg")
        if compare not in get_args(Compare):
            raise _fail(where, f"'compare' must be avg, min or max, got {describe(compare)}")
        settings["compare"] = compare
        if settings.get("last") is None:
            raise _fail(where, "'last' (how many earlier dates to compare with) is required")
        settings["last"] = _whole(settings, "last", where, 1)
        for key in ("min_ratio", "max_ratio"):
            settings[key] = _number(settings, key, where, 0)
        for key in ("min_delta", "max_delta"):
            settings[key] = _number(settings, key, where)
        if all(
            settings[key] is None for key in ("min_ratio", "max_ratio", "min_delta", "max_delta")
        ):
            raise _fail(where, "give at least one of min_ratio, max_ratio, min_delta, max_delta")
        _ordered(settings, "min_ratio", "max_ratio", where)
        _ordered(settings, "min_delta", "max_delta", where)
    return settings


# ---------------------------------------------------------------------------------------------
# The metrics a rule set needs. Ids are stable and readable; the gate derives the same ids.


@dataclass(frozen=True)
class MetricSpec:
    id: str
    kind: MetricKind
    columns: tuple[str, ...] = ()
    check: ValidityCheck | None = None  # for invalid_count
    settings: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    rule: Rule | None = field(default=None, compare=False, hash=False)


def _range_text(settings: dict[str, Any]) -> str:
    low = "-inf" if settings.get("min") is None else js_number(settings["min"])
    high = "inf" if settings.get("max") is None else js_number(settings["max"])
    return f"[{low}, {high}]"


def _json(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ",".join(_json(item) for item in value) + "]"
    if is_number(value):
        return js_number(value)
    return json.dumps(value, ensure_ascii=False)


def metrics_for(rule: Rule) -> list[MetricSpec]:
    settings = rule.settings
    family = rule.family
    if family == "row_count":
        return [MetricSpec("row_count", "row_count")]
    if family in ("missing_count", "missing_percent"):
        column = settings["column"]
        return [MetricSpec(f"missing_count({column})", "missing_count", (column,), rule=rule)]
    if family == "duplicate_count":
        columns = tuple(settings["columns"])
        return [
            MetricSpec(
                f"duplicate_count({','.join(columns)})", "duplicate_count", columns, rule=rule
            )
        ]
    if family == "allowed_values":
        column = settings["column"]
        metric_id = f"invalid_count({column} not in {_json(settings['values'])})"
        return [MetricSpec(metric_id, "invalid_count", (column,), family, settings, rule)]
    if family == "range":
        column = settings["column"]
        metric_id = f"invalid_count({column} outside {_range_text(settings)})"
        return [MetricSpec(metric_id, "invalid_count", (column,), family, settings, rule)]
    if family == "pattern":
        column = settings["column"]
        metric_id = f"invalid_count({column} not matching {_json(settings['regex'])})"
        return [MetricSpec(metric_id, "invalid_count", (column,), family, settings, rule)]
    if family == "freshness":
        column = settings["column"]
        return [MetricSpec(f"max_timestamp({column})", "max_timestamp", (column,), rule=rule)]
    if family == "change":
        reference: str = settings["metric"]
        if reference == "row_count":
            return [MetricSpec("row_count", "row_count")]
        match = METRIC_REF.match(reference)
        if match is None:  # validate_rules normalised it; a Rule built by hand may not be
            raise RulesError(f"{rule.label} (change): unknown metric '{reference}'")
        kind: MetricKind = (
            "duplicate_count" if match.group(1) == "duplicate_count" else "missing_count"
        )
        columns = tuple(match.group(2).split(","))
        return [MetricSpec(f"{kind}({','.join(columns)})", kind, columns, rule=rule)]
    return []  # schema: answered from the column types every document carries


def plan_metrics(rule_set: RuleSet) -> list[MetricSpec]:
    """The distinct metrics the rules need, in rule order; row_count always comes first."""
    plan: dict[str, MetricSpec] = {"row_count": MetricSpec("row_count", "row_count")}
    for rule in rule_set.rules:
        for spec in metrics_for(rule):
            plan.setdefault(spec.id, spec)
    return list(plan.values())


# ---------------------------------------------------------------------------------------------
# Computing the metrics with Spark.


def quoted(column: str) -> str:
    return "`" + column.replace("`", "``") + "`"


def check_columns(df: DataFrame, plan: list[MetricSpec], input_path: str, file: str) -> None:
    """Every column a metric needs must exist (exact name) with a type the check can use."""
    from pyspark.sql import types as T

    types = {f.name: f.dataType for f in df.schema.fields}
    for spec in plan:
        where = f"{file}: {spec.rule.label} ({spec.rule.family})" if spec.rule else file
        for column in spec.columns:
            if column not in types:
                raise JobError(
                    f"{where}: column '{column}' is not in the data at {input_path} "
                    f"(it has {', '.join(types)})"
                )
        if not spec.columns:
            continue
        data_type = types[spec.columns[0]]
        if spec.check == "range" and not isinstance(data_type, T.NumericType):
            raise JobError(
                f"{where}: column '{spec.columns[0]}' is {data_type.simpleString()}; "
                "a range needs a numeric column"
            )
        if spec.check == "pattern" and not isinstance(data_type, T.StringType):
            raise JobError(
                f"{where}: column '{spec.columns[0]}' is {data_type.simpleString()}; "
                "a pattern needs a string column"
            )
        if spec.kind == "max_timestamp" and not isinstance(
            data_type, (T.TimestampType, T.TimestampNTZType, T.DateType)
        ):
            raise JobError(
                f"{where}: column '{spec.columns[0]}' is {data_type.simpleString()}; "
                "freshness needs a timestamp or date column"
            )


def check_patterns(spark: SparkSession, plan: list[MetricSpec], file: str) -> None:
    """Spark runs the regexes with java.util.regex: compile them there before reading data."""
    for spec in plan:
        if spec.check != "pattern" or spec.rule is None:
            continue
        try:
            jvm_of(spark).java.util.regex.Pattern.compile(spec.settings["regex"])
        except Exception as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            reason = reason.split("PatternSyntaxException: ")[-1]
            raise JobError(
                f"{file}: {spec.rule.label} (pattern): 'regex' is not a valid Java regex: {reason}"
            ) from None


def _invalid_condition(spec: MetricSpec) -> Column:
    from pyspark.sql import functions as F

    column = F.col(quoted(spec.columns[0]))
    settings = spec.settings
    if spec.check == "allowed_values":
        return column.isNotNull() & ~column.isin(list(settings["values"]))
    if spec.check == "range":
        outside = F.lit(False)
        if settings.get("min") is not None:
            outside = outside | (column < F.lit(settings["min"]))
        if settings.get("max") is not None:
            outside = outside | (column > F.lit(settings["max"]))
        return column.isNotNull() & outside
    return column.isNotNull() & ~column.rlike(settings["regex"])


def _iso_utc(moment: dt.datetime) -> str:
    return (
        moment.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def compute_metrics(df: DataFrame, plan: list[MetricSpec]) -> dict[str, dict[str, Any]]:
    """One aggregate pass for counts, nulls, validity and newest timestamps; one groupBy per
    uniqueness key (Spark cannot count duplicates of several keys in one aggregation)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    types = {f.name: f.dataType for f in df.schema.fields}
    expressions = []
    aliases: dict[str, str] = {}
    for position, spec in enumerate(plan):
        alias = f"m{position}"
        if spec.kind == "row_count":
            expression = F.count(F.lit(1))
        elif spec.kind == "missing_count":
            expression = F.count(F.when(F.col(quoted(spec.columns[0])).isNull(), 1))
        elif spec.kind == "invalid_count":
            expression = F.count(F.when(_invalid_condition(spec), 1))
        elif spec.kind == "max_timestamp":
            column = F.col(quoted(spec.columns[0]))
            # Epoch seconds do not depend on the session or Python time zone.
            if isinstance(types[spec.columns[0]], T.TimestampType):
                expression = F.max(column).cast("double")
            else:
                expression = F.max(column)
        else:
            continue
        aliases[spec.id] = alias
        expressions.append(expression.alias(alias))
    row = df.agg(*expressions).first()
    if row is None:  # an aggregate without grouping always has its one row
        raise RuntimeError("Spark returned no row for the metrics aggregate")

    metrics: dict[str, dict[str, Any]] = {}
    for spec in plan:
        entry: dict[str, Any] = {"kind": spec.kind}
        if spec.columns:
            entry["columns"] = list(spec.columns)
        if spec.check:
            entry["check"] = spec.check
        if spec.kind == "duplicate_count":
            entry.update(_duplicates(df, spec.columns))
        else:
            value = row[aliases[spec.id]]
            if spec.kind == "max_timestamp":
                entry["value"] = _timestamp_value(value)
            else:
                entry["value"] = int(value)
        metrics[spec.id] = entry
    return metrics


def _timestamp_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (float, int)):
        return _iso_utc(dt.datetime.fromtimestamp(value, tz=dt.timezone.utc))
    if isinstance(value, dt.datetime):  # timestamp_ntz: wall-clock time, read as UTC
        return _iso_utc(value.replace(tzinfo=dt.timezone.utc))
    if isinstance(value, dt.date):
        return _iso_utc(dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc))
    raise TypeError(f"unexpected max timestamp {value!r}")


def _duplicates(df: DataFrame, columns: tuple[str, ...]) -> dict[str, int]:
    """Rows beyond the first of each key, and how many keys repeat. Rows whose key columns are
    all null are left out: a missing key is a completeness problem, not a duplicate."""
    from pyspark.sql import functions as F

    key = [F.col(quoted(column)) for column in columns]
    any_present = F.lit(False)
    for column in key:
        any_present = any_present | column.isNotNull()
    counts = df.where(any_present).groupBy(*key).count()
    row = counts.agg(
        F.coalesce(F.sum(F.when(F.col("count") > 1, F.col("count") - 1)), F.lit(0)).alias("extra"),
        F.count(F.when(F.col("count") > 1, 1)).alias("keys"),
    ).first()
    if row is None:
        raise RuntimeError(f"Spark returned no row for the duplicates of {', '.join(columns)}")
    return {"value": int(row["extra"]), "duplicate_keys": int(row["keys"])}


def build_document(
    rule_set: RuleSet,
    df: DataFrame,
    plan: list[MetricSpec],
    logical_date: str,
    input_path: str,
    rules_location: str,
) -> dict[str, Any]:
    metrics = compute_metrics(df, plan)
    return {
        "schema_version": SCHEMA_VERSION,
        "dataset": rule_set.dataset,
        "logical_date": logical_date,
        "generated_at": _iso_utc(dt.datetime.now(dt.timezone.utc)),
        "input": input_path,
        "rules_file": rules_location,
        "row_count": metrics["row_count"]["value"],
        "columns": {f.name: f.dataType.simpleString() for f in df.schema.fields},
        "metrics": metrics,
    }


# ---------------------------------------------------------------------------------------------
# Files: local paths, Hadoop file systems (s3:// on EMR), and files shipped with --files.


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


# ---------------------------------------------------------------------------------------------
# Entry point.


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = ArgumentParser(prog=JOB, description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--input", help="Parquet dataset root; the job reads <input>/date=<date>")
    source.add_argument(
        "--table", help="Iceberg table <catalog>.<namespace>.<table>, read as of ds-<date>"
    )
    parser.add_argument("--rules", required=True, help="rules file (path, s3:// URI, --files name)")
    parser.add_argument("--date", help="logical date YYYY-MM-DD")
    parser.add_argument("--metrics-root", help="metrics root; writes <root>/<dataset>/date=<date>/")
    parser.add_argument(
        "--check-rules",
        action="store_true",
        help="validate the rules file, print the metric ids it needs as JSON, and exit",
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
    rules_text = read_rules_text(session.get, args.rules)
    rule_set = parse_rules(rules_text, args.rules)
    plan = plan_metrics(rule_set)
    if args.check_rules:
        print(json.dumps({"dataset": rule_set.dataset, "metrics": [spec.id for spec in plan]}))
        return None

    spark = session.get()
    check_patterns(spark, plan, args.rules)
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
    check_columns(df, plan, partition, args.rules)
    document = build_document(rule_set, df, plan, args.date, partition, args.rules)
    location = metrics_location(args.metrics_root, rule_set.dataset, args.date)
    write_text(spark, location, json.dumps(document, indent=2, sort_keys=False) + "\n")
    print(
        f"{JOB}: {len(plan)} metrics over {document['row_count']} rows -> {location}",
        flush=True,
    )
    return location


def main(argv: Sequence[str] | None = None, spark: SparkSession | None = None) -> int:
    """Runs the job; returns the exit code. A session passed in is left running."""
    return run_job(JOB, argv, parse_args, run_quality, spark, errors=(RulesError,))


if __name__ == "__main__":
    sys.exit(main())
