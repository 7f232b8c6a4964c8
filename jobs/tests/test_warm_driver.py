"""The local warm Spark driver's process bookkeeping, without Spark: what a run leaves in the
interpreter is put back, and an entry point ends as `python <entry point>` would. Its Spark
side (sessions, cancel, crash, logs) is tested through the local EMR Serverless in
test/local/emr-serverless/warm-driver.e2e.test.ts."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import pytest
import warm_driver


def test_exit_codes_are_the_interpreters() -> None:
    assert warm_driver.exit_code(None) == 0
    assert warm_driver.exit_code(65) == 65
    assert warm_driver.exit_code(256 + 3) == 3
    assert warm_driver.exit_code(-1) == 255


def test_an_exit_message_is_printed_and_is_exit_code_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert warm_driver.exit_code("leaked: temp view") == 1
    assert capsys.readouterr().err == "leaked: temp view\n"


def test_import_path_puts_the_entry_points_folder_then_the_py_files_first(tmp_path: Path) -> None:
    entry = tmp_path / "run" / "job.py"
    assert warm_driver.import_path(
        str(entry), [str(tmp_path / "run" / "helpers.py"), str(tmp_path / "deps.zip")]
    ) == [str(tmp_path / "run"), str(tmp_path / "deps.zip")]


def test_reads_the_properties_file_the_service_writes(tmp_path: Path) -> None:
    file = tmp_path / "spark-defaults.conf"
    file.write_text("spark.app.name local warm driver\n\n# a comment\nspark.x  2\n")
    assert warm_driver.read_properties(str(file)) == {
        "spark.app.name": "local warm driver",
        "spark.x": "2",
    }


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def test_runs_the_entry_point_as_main_with_its_exit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "ran-as-main"
    ok = write(tmp_path / "ok.py", f"if __name__ == '__main__':\n    open({str(marker)!r}, 'w')\n")
    assert warm_driver.run_main(ok) == 0
    assert marker.exists()
    assert warm_driver.run_main(write(tmp_path / "code.py", "import sys\nsys.exit(7)\n")) == 7
    failing = write(tmp_path / "fail.py", "raise ValueError('boom in the job')\n")
    assert warm_driver.run_main(failing) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last):" in err
    assert err.rstrip().endswith("ValueError: boom in the job")


def test_what_a_run_leaves_in_the_interpreter_is_put_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    staged = tmp_path / "staged"
    staged.mkdir()
    write(staged / "warm_probe_module.py", "VALUE = 'fresh'\n")
    image_module = "graphlib"  # a module of the interpreter's own library
    sys.modules.pop(image_module, None)
    saved = warm_driver.Saved.take()
    path_before = list(sys.path)

    # What a run does.
    sys.path.insert(0, str(staged))
    import warm_probe_module  # type: ignore[import-not-found]

    warm_probe_module.VALUE = "set by the run"
    __import__(image_module)
    os.environ["WARM_PROBE_VARIABLE"] = "1"
    os.chdir(staged)
    logger = logging.getLogger("warm.probe")
    logger.addHandler(logging.StreamHandler(sys.stderr))
    logging.getLogger().setLevel(logging.DEBUG)

    saved.restore()
    assert "warm_probe_module" not in sys.modules
    assert image_module in sys.modules
    assert sys.path == path_before
    assert "WARM_PROBE_VARIABLE" not in os.environ
    assert Path.cwd() == tmp_path
    assert "warm.probe" not in logging.Logger.manager.loggerDict
    assert logging.getLogger().level == saved.logger_state[""][0]
