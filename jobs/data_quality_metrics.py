"""The data-quality job's metrics: computing with Spark what the normalised rules JSON lists.

One aggregate pass for counts, nulls, invalid values and newest timestamps, one groupBy per
uniqueness key, and the metrics document (schema version 1, documented in
quality-gate/README.md) that the quality gate reads.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from data_quality_rules import MetricSpec, Rules
from job_common import JobError, jvm_of

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

SCHEMA_VERSION = 1


def quoted(column: str) -> str:
    return "`" + column.replace("`", "``") + "`"


def check_columns(df: DataFrame, rules: Rules, input_path: str) -> None:
    """Every column a metric needs must exist (exact name) with a type the check can use."""
    from pyspark.sql import types as T

    types = {f.name: f.dataType for f in df.schema.fields}
    for spec in rules.metrics:
        where = f"{rules.source}: {spec.rule}" if spec.rule else rules.source
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


def check_patterns(spark: SparkSession, rules: Rules) -> None:
    """Spark runs the regexes with java.util.regex, which the gate's validator (JavaScript)
    cannot try: compile them there before reading data."""
    for spec in rules.metrics:
        if spec.check != "pattern":
            continue
        try:
            jvm_of(spark).java.util.regex.Pattern.compile(spec.settings["regex"])
        except Exception as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            reason = reason.split("PatternSyntaxException: ")[-1]
            raise JobError(
                f"{rules.source}: {spec.rule}: 'regex' is not a valid Java regex: {reason}"
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
    rules: Rules, df: DataFrame, logical_date: str, input_path: str
) -> dict[str, Any]:
    metrics = compute_metrics(df, rules.metrics)
    return {
        "schema_version": SCHEMA_VERSION,
        "dataset": rules.dataset,
        "logical_date": logical_date,
        "generated_at": _iso_utc(dt.datetime.now(dt.timezone.utc)),
        "input": input_path,
        "rules_file": rules.source,
        "row_count": metrics["row_count"]["value"],
        "columns": {f.name: f.dataType.simpleString() for f in df.schema.fields},
        "metrics": metrics,
    }
