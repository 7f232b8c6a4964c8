"""The data-quality job's rules: the normalised rules JSON the quality gate writes.

The quality gate's `mode: prepare` validates a dataset's rules file (the only validator, in
src/quality/rules.ts) and writes it as JSON, format `spark-pipeline-rules/1`
(src/quality/rules-json.ts): the dataset, the rules with their defaults filled in, and the
metrics to compute, each with its id, kind, columns, validity check and the rule that needs it.
The job trusts that document once its shape is right: this module checks the shape, derives
nothing from the rules, and refuses in one line anything else (a YAML rules file, rules written
by hand, a document of another format version).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from job_common import Refusal

FORMAT = "spark-pipeline-rules/1"

# What a metric counts or measures, and for invalid_count the check that decides validity.
MetricKind = Literal[
    "row_count", "missing_count", "duplicate_count", "invalid_count", "max_timestamp"
]
ValidityCheck = Literal["allowed_values", "range", "pattern"]

KINDS: tuple[MetricKind, ...] = get_args(MetricKind)
CHECKS: tuple[ValidityCheck, ...] = get_args(ValidityCheck)
DATASET_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class MetricSpec:
    id: str
    kind: MetricKind
    columns: tuple[str, ...] = ()
    check: ValidityCheck | None = None  # for invalid_count
    # The check's own settings: values (allowed_values), min and max (range), regex (pattern).
    settings: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # The first rule that needs the metric, as error lines name it: `rule 2 'x' (missing_count)`.
    rule: str | None = None


@dataclass(frozen=True)
class Rules:
    # The rules file the gate validated (quality/customers.yml): error lines name it.
    source: str
    dataset: str
    metrics: list[MetricSpec]


class RulesFormatError(Refusal):
    """--rules is not a normalised rules JSON: no re-run changes that."""


def _expected(location: str, got: str) -> RulesFormatError:
    return RulesFormatError(
        f"--rules: {location}: expected the normalised rules JSON written by the quality gate's "
        f"mode: prepare (format {FORMAT}), got {got}"
    )


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a JSON list"
    if isinstance(value, str):
        return "a JSON string"
    if value is None:
        return "JSON null"
    return "a JSON " + ("boolean" if isinstance(value, bool) else "number")


def parse_rules_json(text: str, location: str) -> Rules:
    """The rules of a normalised rules JSON; raises RulesFormatError (one line) otherwise."""

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    try:
        document = json.loads(text, parse_constant=constant)
    except ValueError as error:
        where = ""
        if isinstance(error, json.JSONDecodeError):
            where = f" at line {error.lineno}, column {error.colno}"
        hint = "; a YAML rules file?" if not text.lstrip().startswith(("{", "[")) else ""
        raise _expected(location, f"text that is not JSON{where}{hint}") from None
    if not isinstance(document, dict):
        raise _expected(location, _kind_of(document))
    form = document.get("format")
    if form is None:
        raise _expected(location, "JSON without 'format' (a hand-written rules file?)")
    if form != FORMAT:
        raise _expected(location, f"format {json.dumps(form)}")
    source = _field(document, "source", str, location)
    dataset = _field(document, "dataset", str, location)
    if not DATASET_NAME.match(dataset):
        raise _malformed(location, "dataset", "a name of letters, digits, '_', '-' or '.'")
    _field(document, "rules", list, location)
    listed = _field(document, "metrics", list, location)
    metrics = [_metric(entry, f"metrics[{index}]", location) for index, entry in enumerate(listed)]
    if not metrics or metrics[0].kind != "row_count":
        raise _malformed(location, "metrics", "a list starting with row_count")
    if len({spec.id for spec in metrics}) != len(metrics):
        raise _malformed(location, "metrics", "distinct ids")
    return Rules(source=source, dataset=dataset, metrics=metrics)


def _malformed(location: str, where: str, expected: str) -> RulesFormatError:
    return RulesFormatError(
        f"--rules: {location}: a {FORMAT} document whose '{where}' is not {expected}: "
        "write it again with the quality gate's mode: prepare"
    )


_KIND_NAMES: dict[type, str] = {str: "a string", list: "a list"}


def _field(mapping: dict[str, Any], key: str, kind: type, location: str, at: str = "") -> Any:
    value = mapping.get(key)
    if not isinstance(value, kind):
        raise _malformed(location, f"{at}{key}", _KIND_NAMES.get(kind, kind.__name__))
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _metric(entry: Any, at: str, location: str) -> MetricSpec:
    if not isinstance(entry, dict):
        raise _malformed(location, at, "a mapping")
    metric_id = _field(entry, "id", str, location, f"{at}.")
    kind = entry.get("kind")
    if kind not in KINDS:
        raise _malformed(location, f"{at}.kind", f"one of {', '.join(KINDS)}")
    if kind == "row_count":
        return MetricSpec(metric_id, "row_count")
    columns = _field(entry, "columns", list, location, f"{at}.")
    if not columns or not all(isinstance(column, str) and column for column in columns):
        raise _malformed(location, f"{at}.columns", "a non-empty list of column names")
    rule = _field(entry, "rule", str, location, f"{at}.")
    if kind != "invalid_count":
        return MetricSpec(metric_id, kind, tuple(columns), rule=rule)
    check = entry.get("check")
    if check not in CHECKS or len(columns) != 1:
        raise _malformed(location, f"{at}.check", f"one of {', '.join(CHECKS)} on one column")
    settings: dict[str, Any] = {}
    if check == "allowed_values":
        values = _field(entry, "values", list, location, f"{at}.")
        if not values or not all(isinstance(v, str) or _is_number(v) for v in values):
            raise _malformed(location, f"{at}.values", "a non-empty list of strings or numbers")
        settings["values"] = values
    elif check == "range":
        for bound in ("min", "max"):
            if bound in entry:
                if not _is_number(entry[bound]):
                    raise _malformed(location, f"{at}.{bound}", "a number")
                settings[bound] = entry[bound]
        if not settings:
            raise _malformed(location, at, "a range with 'min', 'max' or both")
    else:
        settings["regex"] = _field(entry, "regex", str, location, f"{at}.")
    return MetricSpec(metric_id, kind, tuple(columns), check, settings, rule)
