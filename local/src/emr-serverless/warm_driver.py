"""A warm Spark driver for the local EMR Serverless: pre-initialised capacity on one machine.

The local EMR Serverless starts this process once per application (the JVM, PySpark, the
Spark context with the application's static conf, a small Iceberg warm-up) and then runs
job runs in it, one at a time, each as `spark-submit` would run its entry point:

- its own Spark session (`newSession()`: its own SQL conf, temporary views, catalogs and
  UDFs), made PySpark's default and active session for the run, so that
  `SparkSession.builder.getOrCreate()` and `SparkSession.getActiveSession()` return it (the
  jobs' `job_common.LazySession` then sees a session it did not start and leaves it running);
- the entry point run as `__main__` (runpy) from its staged copy, with the staged py-files
  first on `sys.path`, the run's folder as the working directory and the SparkFiles root, and
  every module, logger, environment variable and path entry the run added removed after it;
- its exit code as the process's would be: `SystemExit(n)`, 1 for an uncaught exception
  (its traceback printed as Python prints it), 0 otherwise;
- its Spark jobs in a job group and under a job tag of the run, so that a cancel stops them.

A run whose static conf (what only a new Spark context can change: jars, extensions, driver
memory, Hadoop settings, the driver's environment) differs from this driver's is not run:
the driver answers `cold` with the reason, and the service runs it with spark-submit.

Protocol with the service: JSON lines. Commands arrive on file descriptor 3
(`{"command": "run", ...}`, `{"command": "cancel", "runId": ...}`), events leave on file
descriptor 4 (`ready`, `cold`, `started`, `ended`). The job's output is split per run with
marker lines (`<marker> begin <run>` / `<marker> end <run>`, the marker random per driver)
written to both output streams: the JVM's (stderr, as spark-submit's) and Python's (stdout,
where spark-submit's Python writes both its stdout and its stderr).

Usage (by the service only): python warm_driver.py <static-properties-file>, with
PYSPARK_SUBMIT_ARGS giving the master, the jars and the same properties file.
"""

from __future__ import annotations

import json
import logging
import os
import runpy
import shutil
import sys
import sysconfig
import tempfile
import threading
import time
import traceback
from typing import Any

COMMANDS_FD = 3
EVENTS_FD = 4

# Set by the service per run and per driver: never a reason to run cold.
PER_RUN_KEYS = frozenset({"spark.sql.warehouse.dir", "spark.app.name", "spark.submit.pyFiles"})
# Not Spark SQL settings, but read once by the process or the Spark context.
STATIC_PREFIXES = ("spark.hadoop.", "spark.emr-serverless.", "spark.executorEnv.")


def read_properties(path: str) -> dict[str, str]:
    """A spark-defaults.conf as the service writes it: `key value` per line."""
    properties: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, _, value = line.partition(" ")
            properties[key] = value.strip()
    return properties


class Events:
    """The events channel to the service; one writer at a time."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._lock = threading.Lock()

    def send(self, event: str, **fields: Any) -> None:
        data = (json.dumps({"event": event, **fields}) + "\n").encode("utf-8")
        with self._lock:
            os.write(self._fd, data)


class WarmDriver:
    def __init__(self, static_properties: dict[str, str], events: Events) -> None:
        from pyspark.sql import SparkSession

        self.events = events
        self.marker = os.environ.pop("WARM_DRIVER_MARKER", "")
        self.start_properties = static_properties
        self.base = SparkSession.builder.getOrCreate()
        self.context = self.base.sparkContext
        # PySpark's JVM starts as a shell, at WARN; spark-submit's runs log at INFO.
        self.context.setLogLevel("INFO")
        # spark-submit's Python writes its stderr into the JVM's stdout: the same here. The JVM
        # keeps the stderr it started with (its log lines); Python's stderr joins stdout.
        sys.stdout.flush()
        sys.stderr.flush()
        self.jvm_stderr_fd = os.dup(2)
        os.dup2(1, 2)
        self.current: str | None = None
        self.cancelled: set[str] = set()
        self.lock = threading.Lock()

    # ---------------------------------------------------------------------------- start

    def warm_up(self) -> None:
        """Loads what every job run uses (SQL, codegen, Iceberg, Parquet) on a throwaway
        session and catalog, so that the first run does not pay for it."""
        session = self.base.newSession()
        # In the driver's own folder (the service's work dir), and removed after: a driver
        # killed while warming up leaves nothing in the machine's temp folder.
        folder = tempfile.mkdtemp(prefix="warm-up-", dir=os.getcwd())
        session.conf.set("spark.sql.catalog.warmup", "org.apache.iceberg.spark.SparkCatalog")
        session.conf.set("spark.sql.catalog.warmup.type", "hadoop")
        session.conf.set("spark.sql.catalog.warmup.warehouse", f"file://{folder}/catalog")
        try:
            session.sql("CREATE TABLE warmup.db.t (id INT, v STRING) USING iceberg")
            changes = session.range(10).selectExpr("cast(id as int) id", "cast(id as string) v")
            changes.createOrReplaceTempView("changes")
            session.sql(
                "MERGE INTO warmup.db.t t USING changes c ON t.id = c.id "
                "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"
            )
            session.table("warmup.db.t").groupBy("v").count().collect()
            changes.write.mode("overwrite").parquet(f"file://{folder}/parquet")
        except Exception as error:  # no Iceberg on the class path: the warm-up is optional
            print(f"warm driver: warm-up skipped: {error}".splitlines()[0], file=sys.stderr)
        finally:
            session.catalog.clearCache()
            shutil.rmtree(folder, ignore_errors=True)
        # The lake's file system (S3A and the AWS SDK): a look at a bucket no run uses.
        jvm = self.context._jvm
        assert jvm is not None
        try:
            probe = jvm.org.apache.hadoop.fs.Path("s3://warm-driver-probe/none")
            probe.getFileSystem(self.context._jsc.hadoopConfiguration()).exists(probe)
        except Exception:
            pass  # the bucket does not exist: the classes are loaded all the same

    # ------------------------------------------------------------------------- commands

    def serve(self, commands: Any) -> None:
        """Runs `run` commands one at a time on the main thread; a reader thread takes
        `cancel` commands while a run goes on."""
        runs: list[dict[str, Any] | None] = []
        ready = threading.Condition()

        def read() -> None:
            for line in commands:
                try:
                    command = json.loads(line)
                except ValueError:
                    continue
                if command.get("command") == "cancel":
                    self.cancel(str(command.get("runId")))
                elif command.get("command") == "run":
                    with ready:
                        runs.append(command)
                        ready.notify()
            with ready:
                runs.append(None)
                ready.notify()

        threading.Thread(target=read, name="warm-driver-commands", daemon=True).start()
        while True:
            with ready:
                while not runs:
                    ready.wait()
                command = runs.pop(0)
            if command is None:
                return
            if not self.run(command):
                return  # the run stopped the Spark context, or left it unusable

    def cancel(self, run_id: str) -> None:
        """Cancels the run's Spark jobs until the run ends: `cancelJobGroup` stops the jobs
        running now, and the run's code may start more before it notices."""
        with self.lock:
            if self.current != run_id or run_id in self.cancelled:
                return
            self.cancelled.add(run_id)

        def keep_cancelling() -> None:
            while True:
                with self.lock:
                    if self.current != run_id:
                        return
                try:
                    self.context.cancelJobsWithTag(job_tag(run_id))
                    self.context.cancelJobGroup(run_id)
                except Exception:
                    return  # the context is gone: the run is ending
                time.sleep(0.5)

        threading.Thread(target=keep_cancelling, name="warm-driver-cancel", daemon=True).start()

    # ------------------------------------------------------------------------------ run

    def static_difference(self, conf: dict[str, str]) -> str | None:
        """Why this run needs a Spark context of its own, or None."""
        keys = {key for key in (*conf, *self.start_properties) if self.is_static(key)}
        for key in sorted(keys - PER_RUN_KEYS):
            wanted = conf.get(key)
            have = self.start_properties.get(key)
            if wanted != have:
                return (
                    f"{key} is {describe(wanted)} for this run and {describe(have)} in the warm "
                    "driver (a setting only a new Spark context takes)"
                )
        return None

    def is_static(self, key: str) -> bool:
        if key.startswith(STATIC_PREFIXES):
            return True
        jvm = self.context._jvm
        assert jvm is not None
        if jvm.org.apache.spark.sql.internal.SQLConf.isStaticConfigKey(key):
            return True
        # Spark's own (non-SQL) settings, which a session cannot set: RuntimeConfig's rule.
        if key.startswith("spark.sql."):
            return False
        return jvm.org.apache.spark.internal.config.ConfigEntry.findEntry(key) is not None

    def run(self, command: dict[str, Any]) -> bool:
        """Runs one job run; False when this driver cannot take another one."""
        run_id = str(command["runId"])
        conf: dict[str, str] = dict(command.get("conf") or {})
        reason = self.static_difference(conf)
        if reason:
            self.events.send("cold", runId=run_id, reason=reason)
            return True
        with self.lock:
            self.current = run_id
        self.events.send("started", runId=run_id)
        self.mark("begin", run_id)
        saved = Saved.take()
        session = self.base.newSession()
        code = 1
        usable = True
        try:
            code = self.execute(run_id, session, command, conf)
        finally:
            try:
                self.clean_up(session, saved)
            except Exception:
                traceback.print_exc()
                usable = False
            usable = usable and self.context._jsc is not None
            sys.stdout.flush()
            sys.stderr.flush()
            self.mark("end", run_id)
            with self.lock:
                self.current = None
                self.cancelled.discard(run_id)
            self.events.send("ended", runId=run_id, exitCode=code, replace=not usable)
        return usable

    def execute(
        self, run_id: str, session: Any, command: dict[str, Any], conf: dict[str, str]
    ) -> int:
        from pyspark import SparkFiles
        from pyspark.sql import SparkSession

        run_dir = str(command["runDir"])
        entry_point = str(command["entryPoint"])
        jvm = self.context._jvm
        assert jvm is not None
        for key, value in conf.items():
            if not self.is_static(key) and key not in PER_RUN_KEYS:
                session.conf.set(key, value)
        SparkSession._instantiatedSession = session
        SparkSession._activeSession = session
        jvm.SparkSession.setDefaultSession(session._jsparkSession)
        jvm.SparkSession.setActiveSession(session._jsparkSession)
        self.context.setJobGroup(run_id, f"job run {run_id}", interruptOnCancel=True)
        self.context.addJobTag(job_tag(run_id))
        # The run's --files are in its folder: its SparkFiles root on the driver.
        SparkFiles._root_directory = run_dir
        SparkFiles._is_running_on_worker = True
        os.chdir(run_dir)
        sys.path[:0] = import_path(
            entry_point, [str(path) for path in command.get("pyFiles") or []]
        )
        sys.argv = [entry_point, *[str(arg) for arg in command.get("argv") or []]]
        return run_main(entry_point)

    def clean_up(self, session: Any, saved: Saved) -> None:
        """What a run leaves in the process or the context, removed for the next one."""
        from pyspark import SparkFiles
        from pyspark.sql import SparkSession

        saved.restore()
        SparkFiles._root_directory = None
        SparkFiles._is_running_on_worker = False
        if self.context._jsc is None:
            return
        self.context.clearJobTags()
        self.context.setLocalProperty("spark.jobGroup.id", None)  # type: ignore[arg-type]
        self.context.setLocalProperty("spark.job.description", None)  # type: ignore[arg-type]
        self.context.setLocalProperty("spark.job.interruptOnCancel", None)  # type: ignore[arg-type]
        # Cached tables and DataFrames are the context's, not the session's.
        session.catalog.clearCache()
        for view in session.catalog.listTables("global_temp"):
            session.catalog.dropGlobalTempView(view.name)
        jvm = self.context._jvm
        assert jvm is not None
        SparkSession._instantiatedSession = self.base
        SparkSession._activeSession = self.base
        jvm.SparkSession.setDefaultSession(self.base._jsparkSession)
        jvm.SparkSession.setActiveSession(self.base._jsparkSession)

    def mark(self, what: str, run_id: str) -> None:
        line = f"{self.marker} {what} {run_id}\n".encode()
        os.write(1, line)
        os.write(self.jvm_stderr_fd, line)


class Saved:
    """The process state a run may change: modules, sys.path, argv, environment, working
    folder, loggers."""

    def __init__(self) -> None:
        self.modules = set(sys.modules)
        self.path = list(sys.path)
        self.argv = list(sys.argv)
        self.environ = dict(os.environ)
        self.cwd = os.getcwd()
        manager = logging.Logger.manager
        self.loggers = set(manager.loggerDict)
        self.logger_state = {
            name: logger_state(logger)
            for name, logger in [("", logging.getLogger()), *manager.loggerDict.items()]
            if isinstance(logger, logging.Logger)
        }

    @classmethod
    def take(cls) -> Saved:
        return cls()

    def restore(self) -> None:
        for name in set(sys.modules) - self.modules:
            if not is_image_module(sys.modules[name]):
                del sys.modules[name]
        sys.path[:] = self.path
        sys.argv[:] = self.argv
        os.environ.clear()
        os.environ.update(self.environ)
        os.chdir(self.cwd)
        manager = logging.Logger.manager
        for name in set(manager.loggerDict) - self.loggers:
            logger = manager.loggerDict.pop(name)
            if isinstance(logger, logging.Logger):
                for handler in logger.handlers:
                    handler.close()
        for name, (level, handlers, propagate, disabled) in self.logger_state.items():
            logger = logging.getLogger(name or None)
            for handler in logger.handlers:
                if handler not in handlers:
                    handler.close()
            logger.setLevel(level)
            logger.handlers[:] = handlers
            logger.propagate = propagate
            logger.disabled = disabled
        # Placeholders of removed loggers' parents would keep pointing at them.
        manager._clear_cache()  # type: ignore[attr-defined]


# The interpreter's and the image's libraries (PySpark, its dependencies): imported once
# and kept, as a new process would import the same. Anything else a run imported is its own.
IMAGE_FOLDERS = tuple(
    os.path.realpath(folder) + os.sep
    for folder in {
        *(sysconfig.get_paths()[name] for name in ("stdlib", "platstdlib", "purelib", "platlib")),
        os.path.dirname(os.path.dirname(os.path.abspath(json.__file__))),
    }
)


def is_image_module(module: Any) -> bool:
    file = getattr(module, "__file__", None)
    if file is None:
        # Built in, or a namespace package: kept unless all its paths are the run's.
        paths = list(getattr(module, "__path__", []) or [])
        return not paths or any(is_image_path(path) for path in paths)
    return is_image_path(file)


def is_image_path(file: str) -> bool:
    return os.path.realpath(file).startswith(IMAGE_FOLDERS)


def logger_state(logger: logging.Logger) -> tuple[int, list[logging.Handler], bool, bool]:
    return (logger.level, list(logger.handlers), logger.propagate, logger.disabled)


def import_path(entry_point: str, py_files: list[str]) -> list[str]:
    """What `python <entry point>` under spark-submit finds first: the entry point's folder,
    then the `--py-files` (a `.py` file by its folder, a zip or egg itself)."""
    entries = [os.path.dirname(os.path.abspath(entry_point))]
    for file in py_files:
        entries.append(os.path.dirname(os.path.abspath(file)) if file.endswith(".py") else file)
    return list(dict.fromkeys(entries))


def run_main(entry_point: str) -> int:
    """The entry point as `python <entry point>` runs it; its exit code."""
    try:
        runpy.run_path(entry_point, run_name="__main__")
        return 0
    except SystemExit as exit_:
        return exit_code(exit_.code)
    except BaseException:
        traceback.print_exc()
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def exit_code(code: object) -> int:
    """What the interpreter exits with for `sys.exit(code)`."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def job_tag(run_id: str) -> str:
    return f"emr-job-run-{run_id}"


def describe(value: str | None) -> str:
    return "unset" if value is None else f"'{value}'"


def main(argv: list[str]) -> int:
    events = Events(EVENTS_FD)
    os.set_inheritable(COMMANDS_FD, False)
    os.set_inheritable(EVENTS_FD, False)
    try:
        driver = WarmDriver(read_properties(argv[0]), events)
        driver.warm_up()
    except Exception as error:
        traceback.print_exc()
        events.send("failed", message=str(error).splitlines()[0] if str(error) else "")
        return 1
    events.send("ready", sparkUiUrl=driver.context.uiWebUrl)
    # Not closed on the way out: the reader thread may be blocked reading it.
    commands = os.fdopen(COMMANDS_FD, encoding="utf-8")
    try:
        driver.serve(commands)
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
