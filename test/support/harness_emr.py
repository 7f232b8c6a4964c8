"""EMR Serverless scripting for the moto harness: job runs whose state moves over time.

moto's job runs are SUCCESS the moment they start, so on its own it cannot show waiting,
failure, cancellation or a run to attach to. This module (imported by moto_harness.py)
patches moto's EMR Serverless backend so that a run follows a *script*: a list of
`[state, seconds]` steps, the last of which may have `null` seconds (it never moves on by
itself). CancelJobRun ends a scripted run as CANCELLED, after an optional CANCELLING step.
It also answers GetDashboardForJobRun, which moto lacks.

Control routes (POST /_harness/<route>, JSON body):
  emr/script-next-runs {"runs": [script, ...]}   scripts for the next runs started, in order
  emr/script-run {"applicationId", "jobRunId", ...script}   re-scripts an existing run
  emr/runs {"applicationId"}                     every run on the application, as the tests see it
  emr/application-state {"applicationId", "state"}   puts an application in a state
  emr/reset {}                                   forgets queued scripts and call counts
  emr/calls {}                                   how many of each EMR call the harness answered

A script: {"steps": [["SUBMITTED", 0.2], ["RUNNING", 0.5], ["FAILED", null]],
           "stateDetails": "...", "cancelling": 0.3, "attempt": 2,
           "billed": {"vCPUHour": 1.5, ...}, "total": {...}, "durationSeconds": 120}
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from typing import Any

from moto.emrserverless import urls as emr_urls
from moto.emrserverless.models import EMRServerlessBackend, JobRun, emrserverless_backends
from moto.emrserverless.responses import EMRServerlessResponse

# moto_harness runs as the main script: register routes on that module, not on a second copy.
control = (sys.modules.get("moto_harness") or sys.modules["__main__"]).control

TERMINAL = {"SUCCESS", "FAILED", "CANCELLED"}
ACCOUNT = "123456789012"

_lock = threading.RLock()
_next_scripts: list[dict[str, Any]] = []
_calls: Counter[str] = Counter()


class Script:
    """The timeline of one run: steps measured from the moment the script was attached."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.steps: list[tuple[str, float | None]] = [
            (str(state), None if seconds is None else float(seconds))
            for state, seconds in spec.get("steps", [])
        ]
        if not self.steps:
            self.steps = [("SUCCESS", None)]
        self.state_details: str | None = spec.get("stateDetails")
        self.cancelling: float = float(spec.get("cancelling", 0))
        self.attempt: int | None = spec.get("attempt")
        self.billed: dict[str, float] | None = spec.get("billed")
        self.total: dict[str, float] | None = spec.get("total")
        self.duration_seconds: int | None = spec.get("durationSeconds")
        self.started = time.monotonic()
        self.cancelled_at: float | None = None

    def state_now(self) -> str:
        now = time.monotonic()
        if self.cancelled_at is not None:
            return "CANCELLING" if now - self.cancelled_at < self.cancelling else "CANCELLED"
        elapsed = now - self.started
        for state, seconds in self.steps:
            if seconds is None or elapsed < seconds:
                return state
            elapsed -= seconds
        return self.steps[-1][0]


def _apply(run: JobRun) -> None:
    script: Script | None = getattr(run, "harness_script", None)
    if script is None:
        return
    state = script.state_now()
    if state != run.state:
        run.state = state
        run.updated_at = _now()
    if state in TERMINAL:
        if run.state_details is None and state != "SUCCESS":
            run.state_details = script.state_details or (
                "Job run was cancelled." if state == "CANCELLED" else "Job run failed."
            )
        if getattr(run, "ended_at", None) is None:
            run.ended_at = _now()


def _attach(run: JobRun, spec: dict[str, Any]) -> None:
    script = Script(spec)
    run.harness_script = script
    run.state = script.steps[0][0]
    run.state_details = None
    run.ended_at = None
    run.started_at = _now()
    if script.attempt is not None:
        run.attempt = script.attempt
        run.attempt_created_at = _now()
    if script.billed is not None:
        run.billed_resource_utilization = script.billed
    if script.total is not None:
        run.total_resource_utilization = script.total
    if script.duration_seconds is not None:
        run.total_execution_duration_seconds = script.duration_seconds
    _apply(run)


def _now() -> Any:
    from moto.core.utils import utcnow

    return utcnow()


# --- patches of moto's backend -------------------------------------------------------------

_original_start = EMRServerlessBackend.start_job_run
_original_get = EMRServerlessBackend.get_job_run
_original_list = EMRServerlessBackend.list_job_runs
_original_cancel = EMRServerlessBackend.cancel_job_run


def _start_job_run(self: EMRServerlessBackend, *args: Any, **kwargs: Any) -> JobRun:
    with _lock:
        _calls["StartJobRun"] += 1
        run = _original_start(self, *args, **kwargs)
        run.cancel_calls = 0
        if _next_scripts:
            _attach(run, _next_scripts.pop(0))
        return run


def _get_job_run(self: EMRServerlessBackend, application_id: str, job_run_id: str) -> JobRun:
    with _lock:
        _calls["GetJobRun"] += 1
        run = _original_get(self, application_id, job_run_id)
        _apply(run)
        return run


def _list_job_runs(
    self: EMRServerlessBackend, application_id: str, *args: Any, **kwargs: Any
) -> list[JobRun]:
    with _lock:
        _calls["ListJobRuns"] += 1
        for run in self.job_runs.get(application_id, []):
            _apply(run)
        return _original_list(self, application_id, *args, **kwargs)


def _cancel_job_run(
    self: EMRServerlessBackend, application_id: str, job_run_id: str
) -> tuple[str, str]:
    with _lock:
        _calls["CancelJobRun"] += 1
        run = _original_get(self, application_id, job_run_id)
        _apply(run)
        run.cancel_calls = getattr(run, "cancel_calls", 0) + 1
        script: Script | None = getattr(run, "harness_script", None)
        if run.state in TERMINAL:
            return application_id, job_run_id
        if script is None:
            return _original_cancel(self, application_id, job_run_id)
        if script.cancelled_at is None:
            script.cancelled_at = time.monotonic()
        _apply(run)
        return application_id, job_run_id


EMRServerlessBackend.start_job_run = _start_job_run  # type: ignore[method-assign]
EMRServerlessBackend.get_job_run = _get_job_run  # type: ignore[method-assign]
EMRServerlessBackend.list_job_runs = _list_job_runs  # type: ignore[method-assign]
EMRServerlessBackend.cancel_job_run = _cancel_job_run  # type: ignore[method-assign]


# GetDashboardForJobRun: moto has no route for it; the URL has the shape AWS returns.
def _get_dashboard_for_job_run(self: EMRServerlessResponse) -> Any:
    from moto.core.responses import ActionResult

    application_id = self._get_param("applicationId")
    job_run_id = self._get_param("jobRunId")
    _calls["GetDashboardForJobRun"] += 1
    _original_get(self.emrserverless_backend, application_id, job_run_id)
    host = f"p-{job_run_id}-{application_id}.emrappui-prod.us-east-1.amazonaws.com"
    return ActionResult({"url": f"https://{host}/shs/"})


EMRServerlessResponse.get_dashboard_for_job_run = _get_dashboard_for_job_run  # type: ignore[attr-defined]
DASHBOARD_PATH = "{0}/applications/(?P<applicationId>[^/]+)/jobruns/(?P<jobRunId>[^/]+)/dashboard$"
emr_urls.url_paths[DASHBOARD_PATH] = EMRServerlessResponse.dispatch


# --- control routes ------------------------------------------------------------------------


def _backend(body: dict[str, Any]) -> EMRServerlessBackend:
    return emrserverless_backends[body.get("accountId", ACCOUNT)][body.get("region", "us-east-1")]


@control("emr/script-next-runs")
def _script_next_runs(body: dict[str, Any]) -> Any:
    with _lock:
        _next_scripts.extend(body.get("runs", []))
        return {"queued": len(_next_scripts)}


@control("emr/script-run")
def _script_run(body: dict[str, Any]) -> Any:
    with _lock:
        run = _original_get(_backend(body), body["applicationId"], body["jobRunId"])
        _attach(run, body)
        return {"state": run.state}


@control("emr/runs")
def _runs(body: dict[str, Any]) -> Any:
    with _lock:
        runs = _backend(body).job_runs.get(body["applicationId"], [])
        result = []
        for run in runs:
            _apply(run)
            result.append(
                {
                    "id": run.id,
                    "name": run.name,
                    "state": run.state,
                    "stateDetails": run.state_details,
                    "clientToken": run.client_token,
                    "tags": run.tags or {},
                    "jobDriver": run.job_driver,
                    "configurationOverrides": run.configuration_overrides,
                    "executionTimeoutMinutes": run.execution_timeout_minutes,
                    "cancelCalls": getattr(run, "cancel_calls", 0),
                }
            )
        return {"runs": result}


@control("emr/application-state")
def _application_state(body: dict[str, Any]) -> Any:
    with _lock:
        application = _backend(body).get_application(body["applicationId"])
        application.state = body["state"]
        return {"state": application.state}


@control("emr/reset")
def _reset(_body: dict[str, Any]) -> Any:
    with _lock:
        _next_scripts.clear()
        _calls.clear()
        return {"ok": True}


@control("emr/calls")
def _call_counts(_body: dict[str, Any]) -> Any:
    with _lock:
        return dict(_calls)
