"""The tracer's sandbox and its verdicts, without TensorFlow (fast).

``blame.sandbox_reason`` tells a failure tracing caused (no network, no data
file, a package that is not installed) from a bug in the user's code; the
sandbox's audit hook is exercised in a child Python process, since an audit
hook can never be removed from the process that installs it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import urllib.error
from pathlib import Path

import pytest

from kgraphlint.trace.blame import sandbox_reason
from kgraphlint.trace.sandbox import Journal, Refused

REPO = Path(__file__).resolve().parents[1]


def raised(fn):
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001
        return exc
    raise AssertionError("did not raise")


def test_missing_data_file_is_the_sandbox():
    exc = raised(lambda: open("data/x_train.npy", "rb"))
    assert sandbox_reason(exc, Journal()) == "reads data/x_train.npy, which does not exist"


def test_missing_package_is_the_sandbox():
    exc = raised(lambda: __import__("transformers_that_is_not_installed"))
    assert sandbox_reason(exc, Journal()) == "package `transformers_that_is_not_installed` is not installed"


def test_optional_dependency_message_is_the_sandbox():
    exc = ImportError("Could not import PIL.Image. The use of `save_img` requires PIL.")
    assert sandbox_reason(exc, Journal()).startswith("needs a package that is not installed")


def test_refusal_wrapped_by_urllib_is_the_sandbox():
    refused = Refused("opens a network connection (socket.connect ('example.com', 80)); tracing is offline")
    wrapped = urllib.error.URLError(refused)
    assert sandbox_reason(wrapped, Journal()) == refused.reason


def test_journal_explains_a_wrapped_failure():
    # requests-style: the refusal is swallowed, its own error is raised.
    journal = Journal(refusals=["opens a network connection (socket.connect ('10.0.0.1', 80)); tracing is offline"])
    assert sandbox_reason(RuntimeError("Max retries exceeded"), journal) == journal.refusals[0]
    journal = Journal(missing=["images/"])
    assert sandbox_reason(IndexError("list index out of range"), journal) == "reads images/, which does not exist"
    journal = Journal(standin_reads=["the download of https://example.com/data.zip"])
    assert "which tracing does not download" in sandbox_reason(ValueError("File is not a zip file"), journal)


def test_standard_input_and_gpu():
    assert sandbox_reason(EOFError("EOF when reading a line"), Journal()).startswith("reads standard input")
    assert "needs a GPU" in sandbox_reason(RuntimeError("CUDA error: no CUDA-capable device"), Journal())
    assert "needs a GPU" in sandbox_reason(IndexError("list index out of range"), Journal(gpu_probes=1))


def test_user_bugs_stay_user_bugs():
    assert sandbox_reason(KeyError("missing"), Journal()) is None
    assert sandbox_reason(ValueError("Cannot reshape a tensor"), Journal()) is None
    # A graph error Keras raises is the user's, whatever else the file did.
    mapped = TypeError("'KerasTensor' object is not callable")
    assert sandbox_reason(mapped, Journal(missing=["data/x.npy"], refusals=["x"])) is None
    # An import that fails for itself (a removed Keras module) is not a skip.
    exc = raised(lambda: __import__("json.engine_that_does_not_exist"))
    assert sandbox_reason(exc, Journal(missing=["x"])) is None
    assert sandbox_reason(KeyError("k"), Journal(gpu_probes=1)) is None
    assert sandbox_reason(SystemExit("no GPU found"), Journal()) is None  # the code chose to stop


PROBE = textwrap.dedent(
    """\
    import json, os, socket, subprocess, sys
    from kgraphlint.trace import sandbox

    root, project = sys.argv[1], sys.argv[2]
    sandbox.install(root)
    os.chdir(root)
    results = {}

    def attempt(name, fn):
        try:
            fn()
            results[name] = "allowed"
        except sandbox.Refused as exc:
            results[name] = "refused: " + exc.reason
        except OSError as exc:
            results[name] = "oserror: " + type(exc).__name__

    attempt("write_inside", lambda: open("out.txt", "w").write("x"))
    attempt("write_project", lambda: open(os.path.join(project, "victim.py"), "a").write("#"))
    attempt("os_open_project", lambda: os.open(os.path.join(project, "new.txt"), os.O_WRONLY | os.O_CREAT))
    attempt("remove_project", lambda: os.remove(os.path.join(project, "victim.py")))
    attempt("rename_out", lambda: os.rename("out.txt", os.path.join(project, "moved.txt")))
    attempt("read_project", lambda: open(os.path.join(project, "victim.py")).read())
    attempt("symlink_to_project", lambda: os.symlink(os.path.join(project, "victim.py"), "link.py"))
    attempt("write_through_link", lambda: open("link.py", "a").write("#"))
    attempt("hardlink_project", lambda: os.link(os.path.join(project, "victim.py"), "hard.py"))
    attempt("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", 9)))
    attempt("tcp", lambda: socket.create_connection(("127.0.0.1", 9), timeout=1))
    attempt("subprocess", lambda: subprocess.run(["true"]))
    attempt("system", lambda: os.system("true"))
    attempt("kill_parent", lambda: os.kill(os.getppid(), 0))
    attempt("kill_self", lambda: os.kill(os.getpid(), 0))
    heard = []
    sys.addaudithook(lambda event, args: heard.append(event))  # silently not installed
    open("out.txt").close()
    results["audit_hook"] = heard
    open("missing_probe", "rb") if os.path.exists("missing_probe") else None
    try:
        open("data/absent.npy", "rb")
    except FileNotFoundError:
        pass
    # The import machinery's probing is not the code reading data: a sys.path
    # entry that does not exist (python311.zip), a file an installed
    # distribution may lack (importlib.metadata reading entry_points.txt).
    import sysconfig
    sys.path.append(os.path.join(project, "absent.zip"))
    for probe in (
        os.path.join(project, "absent.zip"),
        os.path.join(sysconfig.get_paths()["purelib"], "absent_dist-1.0.dist-info", "entry_points.txt"),
    ):
        try:
            open(probe, "rb")
        except OSError:
            pass
    results["missing"] = sandbox.journal.missing
    pid = os.fork()
    if pid == 0:
        os.write(1, json.dumps({"child": sandbox.in_forked_child()}).encode() + b"\\n")
        os._exit(0)
    os.waitpid(pid, 0)
    print(json.dumps(results))
    """
)


def test_sandbox_refuses_writes_network_programs_and_signals(tmp_path):
    root, project = tmp_path / "run", tmp_path / "project"
    root.mkdir()
    project.mkdir()
    (project / "victim.py").write_text("x = 1\n")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(root), str(project)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        start_new_session=True,  # as the trace worker is: its parent is outside its group
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert json.loads(lines[0]) == {"child": True}
    results = json.loads(lines[-1])
    assert results["write_inside"] == "allowed" and results["read_project"] == "allowed"
    assert results["kill_self"] == "allowed"
    assert results["symlink_to_project"] == "allowed"
    for name in ("write_project", "os_open_project", "remove_project", "rename_out", "write_through_link", "hardlink_project"):
        assert results[name].startswith("refused: "), (name, results[name])
    assert results["write_project"] == f"refused: writes {project / 'victim.py'}"
    for name in ("udp", "tcp"):
        assert results[name].startswith("refused: opens a network connection"), results[name]
    for name in ("subprocess", "system"):
        assert results[name].startswith("refused: starts another program"), results[name]
    assert results["kill_parent"].startswith("refused: sends signal 0 to process")
    assert results["audit_hook"] == []
    assert results["missing"] == ["data/absent.npy"]
    assert (project / "victim.py").read_text() == "x = 1\n"
    assert sorted(p.name for p in project.iterdir()) == ["victim.py"]


def test_nan_timeout_is_a_usage_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.kgraphlint.trace]\ntimeout = nan\n")
    (tmp_path / "m.py").write_text("import keras\n")
    done = subprocess.run(
        [sys.executable, "-m", "kgraphlint", "--no-cache", "m.py"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 2, done.stderr
    assert "trace.timeout must be a positive number" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_runner_never_uses_a_bad_timeout(value):
    from kgraphlint.trace.runner import _positive

    assert _positive(float(value), 120.0) == 120.0


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("tty", [True, False])
def test_progress_only_on_a_terminal(monkeypatch, tty: bool) -> None:
    from kgraphlint.trace.runner import _Progress

    stream = _Stream(tty)
    monkeypatch.setattr(sys, "stderr", stream)
    progress = _Progress(40)
    progress.show(3, "models/net.py")
    progress.done()
    if tty:
        assert "tracing 3/40: models/net.py" in stream.text and stream.text.endswith("\r\x1b[2K")
    else:
        assert stream.text == ""
