"""Whole-project analysis: import roots and module names, imports followed into
the project's own modules, findings located in the right file once, the cache
keyed on imported modules, and the marker pre-filter.

The realistic projects live in ``fixtures/projects/<name>/`` and mark every
expected finding with ``# expect: KGnnn``; each is copied to a temporary
directory (so no marker file of this repository is above it) and checked from
its root and from its parent directory, through the real CLI.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kgraphlint.lint import lint_paths
from kgraphlint.project import module_info, resolve_absolute, resolve_relative
from kgraphlint.rules.base import CALLED_FROM
from tests.conftest import REPO, write
from tests.test_fixtures import expectations

PROJECTS_DIR = REPO / "fixtures" / "projects"
PROJECTS = sorted(p.name for p in PROJECTS_DIR.iterdir() if p.is_dir())


def copy_project(name: str, destination: Path) -> Path:
    target = destination / name
    shutil.copytree(PROJECTS_DIR / name, target)
    return target


def expected_marks(root: Path) -> set[tuple[str, str, int]]:
    marks = set()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        marks.update((rel, code, line) for code, line in expectations(path))
    return marks


def reported(findings: list[dict], base: Path, cwd: Path) -> set[tuple[str, str, int]]:
    result = set()
    for f in findings:
        absolute = (cwd / f["path"]).resolve()
        result.add((absolute.relative_to(base.resolve()).as_posix(), f["code"], f["line"]))
    return result


# --------------------------------------------------------------------------
# Import roots and module names


def test_package_chain_gives_the_dotted_name(tmp_path: Path) -> None:
    write(tmp_path, "models/__init__.py", "")
    net = write(tmp_path, "models/net.py", "")
    info = module_info(str(net))
    assert (info.root, info.name, info.package) == (str(tmp_path), "models.net", "models")


def test_src_layout_and_the_project_directory(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[project]\nname = 'seg'\n")
    write(tmp_path, "src/seg/__init__.py", "")
    model = write(tmp_path, "src/seg/model.py", "")
    script = write(tmp_path, "scripts/train.py", "")
    assert module_info(str(model)).name == "seg.model"
    assert module_info(str(model)).root == str(tmp_path / "src")
    # scripts/ is a namespace package of the project; `import seg` from it is
    # found in src/.
    info = module_info(str(script))
    assert (info.root, info.name) == (str(tmp_path), "scripts.train")
    assert resolve_absolute("seg.model", info).path == str(model)


def test_the_answer_does_not_depend_on_the_working_directory(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/sub/__init__.py", "")
    leaf = write(tmp_path, "pkg/sub/leaf.py", "")
    answers = set()
    for cwd in (tmp_path, tmp_path / "pkg", tmp_path / "pkg" / "sub", Path("/")):
        monkeypatch.chdir(cwd)
        relative = os.path.relpath(leaf)
        info = module_info(relative)
        answers.add((info.root, info.name))
    assert answers == {(str(tmp_path), "pkg.sub.leaf")}


def test_relative_imports_resolve_inside_the_package(tmp_path: Path) -> None:
    write(tmp_path, "app/__init__.py", "")
    write(tmp_path, "app/nn/__init__.py", "")
    blocks = write(tmp_path, "app/nn/blocks.py", "")
    config = write(tmp_path, "app/config.py", "")
    model = write(tmp_path, "app/nn/model.py", "")
    info = module_info(str(model))
    assert resolve_relative(1, "blocks", info).path == str(blocks)
    assert resolve_relative(2, "config", info).path == str(config)
    assert resolve_relative(1, "", info).path == str(tmp_path / "app" / "nn" / "__init__.py")
    # Beyond the top package: nothing (Python raises ImportError).
    assert not resolve_relative(3, "config", info).found


def test_keras_stdlib_and_third_party_names_are_never_project_modules(tmp_path: Path) -> None:
    # A project file named like the standard library or Keras does not
    # shadow them for the modules of a package.
    write(tmp_path, "pkg/__init__.py", "")
    for name in ("logging", "keras", "tensorflow", "numpy"):
        write(tmp_path, f"{name}.py", "")
    info = module_info(str(write(tmp_path, "pkg/mod.py", "")))
    assert not resolve_absolute("logging", info).project
    assert not resolve_absolute("keras.layers", info).project
    assert not resolve_absolute("tensorflow", info).project
    # numpy.py *is* the project's (first on the path, as Python sees it).
    assert resolve_absolute("numpy", info).path == str(tmp_path / "numpy.py")
    assert not resolve_absolute("requests", info).project


def test_under_site_packages_only_the_own_distribution_is_followed(tmp_path: Path) -> None:
    site = tmp_path / "lib" / "site-packages"
    write(site, "mylib/__init__.py", "")
    write(site, "mylib/core.py", "")
    write(site, "other/__init__.py", "")
    info = module_info(str(write(site, "mylib/api.py", "")))
    assert info.name == "mylib.api"
    assert resolve_absolute("mylib.core", info).path is not None
    assert not resolve_absolute("other", info).project


@pytest.mark.parametrize(
    "line",
    [
        'sys.path.insert(0, "src")',
        "sys.path.insert(0, './src')",
        'sys.path.append(os.path.join(os.path.dirname(__file__), "src"))',
        'sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))',
        'sys.path.insert(0, str(Path(__file__).parent / "src"))',
        'sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "proj" / "src"))',
        'SRC = os.path.join(os.path.dirname(__file__), "src")\nsys.path.insert(0, SRC)',
        'if SRC not in sys.path:\n    sys.path.append(os.path.abspath("src"))',
        # Statements over several lines.
        'sys.path.insert(\n    0,\n    os.path.join(os.path.dirname(__file__), "src"),\n)',
        'SRC = os.path.join(\n    os.path.dirname(os.path.abspath(__file__)), "src"\n)\nsys.path.insert(0, SRC)',
        'ROOT = Path(__file__).resolve().parent\nif str(ROOT / "src") not in sys.path:\n    sys.path.append(\n        str(ROOT / "src"))',
    ],
)
def test_a_script_that_puts_src_on_sys_path_imports_from_it(tmp_path: Path, monkeypatch, line: str) -> None:
    # No project file: only the script's own sys.path line says where the
    # package is; the answer is the same from any directory.
    model = write(tmp_path, "proj/src/seg/model.py", "")
    write(tmp_path, "proj/src/seg/__init__.py", "")
    script = write(tmp_path, "proj/train.py", "import os\nimport sys\nfrom pathlib import Path\n" + line + "\nimport seg.model\n")
    for cwd in (tmp_path, tmp_path / "proj", Path("/")):
        monkeypatch.chdir(cwd)
        assert resolve_absolute("seg.model", module_info(str(script))).path == str(model)


def test_sys_path_lines_that_are_not_literal_paths_add_nothing(tmp_path: Path) -> None:
    write(tmp_path, "proj/src/seg/__init__.py", "")
    script = write(tmp_path, "proj/train.py", """\
        import sys
        sys.path.insert(0, os.environ["SRC"])
        sys.path.append(find_root())

        def later():
            sys.path.insert(0, here)
    """)
    assert not resolve_absolute("seg", module_info(str(script))).found


# --------------------------------------------------------------------------
# The realistic projects, statically


def found_from(cwd: Path, target: str, base: Path, monkeypatch) -> set[tuple[str, str, int]]:
    monkeypatch.chdir(cwd)
    result = lint_paths([target], use_cache=False)
    assert result.internal_errors == 0, result.errors
    return reported([f.to_dict() for f in result.findings], base, cwd)


@pytest.mark.parametrize("name", PROJECTS)
def test_project_findings_are_the_marked_ones_from_root_and_parent(name: str, tmp_path: Path, monkeypatch) -> None:
    root = copy_project(name, tmp_path)
    expected = expected_marks(root)
    assert found_from(root, ".", root, monkeypatch) == expected
    assert found_from(tmp_path, name, root, monkeypatch) == expected
    if name.startswith("clean_"):
        assert expected == set()
    else:
        assert expected


def test_the_cli_reports_every_project_bug_from_the_parent_directory(tmp_path: Path, cli) -> None:
    expected = set()
    for name in PROJECTS:
        root = copy_project(name, tmp_path)
        expected |= {(f"{name}/{rel}", code, line) for rel, code, line in expected_marks(root)}
    result = cli("--format", "json", "--no-cache", "--exit-zero", *PROJECTS, cwd=tmp_path, block_keras=True)
    assert result.returncode == 0, result.output
    assert reported(result.json()["findings"], tmp_path, tmp_path) == expected


def test_a_finding_in_an_imported_helper_is_reported_once_at_its_line(tmp_path: Path) -> None:
    write(tmp_path, "nets/__init__.py", "")
    write(tmp_path, "nets/blocks.py", """\
        from tensorflow.keras import layers


        def head(x):
            layers.Dropout(0.5)
            return layers.Dense(1)(x)
    """)
    for script in ("train_a.py", "train_b.py"):
        write(tmp_path, script, """\
            from tensorflow import keras
            from nets.blocks import head

            inp = keras.Input((8,))
            model = keras.Model(inp, head(inp))
        """)
    result = lint_paths([str(tmp_path)], use_cache=False)
    assert [(Path(f.path).name, f.code, f.line) for f in result.findings] == [("blocks.py", "KG203", 5)]
    # Checking one importer alone still finds it, in the helper's file.
    alone = lint_paths([str(tmp_path / "train_a.py")], use_cache=False)
    assert [(Path(f.path).name, f.code) for f in alone.findings] == [("blocks.py", "KG203")]


def test_a_helper_finding_names_the_call_of_the_checked_file(tmp_path: Path, cli) -> None:
    # churn_mlp's bugs sit in nets/ (the builder, the MLP stack) but happen
    # because of what train.py does: each finding points at train.py's call.
    root = copy_project("churn_mlp", tmp_path)
    for cwd, target, prefix in ((root, ".", ""), (tmp_path, "churn_mlp", "churn_mlp/")):
        result = cli("--format", "json", "--no-cache", "--exit-zero", target, cwd=cwd, block_keras=True)
        findings = result.json()["findings"]
        assert {f["code"] for f in findings} == {"KG102", "KG301"}, result.stdout
        for f in findings:
            assert f["path"].startswith(prefix + "nets/")
            call = {"path": prefix + "train.py", "line": 12, "column": 9, "message": CALLED_FROM}
            assert call in f["related"], f


def test_a_notebook_reports_the_defect_it_reaches_in_a_helper_module(tmp_path: Path, cli) -> None:
    # The notebook never names Keras: it imports src.model, which does.
    root = copy_project("leaf_kaggle", tmp_path)
    result = cli("--format", "json", "--no-cache", "--exit-zero", "notebooks", cwd=root, block_keras=True)
    [finding] = result.json()["findings"]
    assert (finding["path"], finding["code"], finding["line"]) == ("src/model.py", "KG102", 25)
    call = {"path": "notebooks/01-baseline.ipynb", "cell": 2, "line": 1, "column": 9, "message": CALLED_FROM}
    assert call in finding["related"], finding


def test_a_helper_reached_from_two_files_names_both_calls(tmp_path: Path) -> None:
    write(tmp_path, "nets/__init__.py", "")
    write(tmp_path, "nets/blocks.py", """\
        from tensorflow.keras import layers


        def twice(x, proj):
            return proj(proj(x))
    """)
    for script in ("train_a.py", "train_b.py"):
        write(tmp_path, script, """\
            from tensorflow import keras
            from nets.blocks import twice

            inp = keras.Input((8,))
            model = keras.Model(inp, twice(inp, keras.layers.Dense(8)))
        """)
    result = lint_paths([str(tmp_path)], use_cache=False)
    [finding] = result.findings
    assert (Path(finding.path).name, finding.code, finding.line) == ("blocks.py", "KG301", 5)
    calls = {(Path(r.path).name, r.line) for r in finding.related if r.message == CALLED_FROM}
    assert calls == {("train_a.py", 5), ("train_b.py", 5)}


def test_source_rules_follow_names_imported_from_the_project(tmp_path: Path) -> None:
    # A compatibility module of the project binds `K` to tf.keras's backend:
    # what the importer does with `K` is checked as if it imported it itself.
    write(tmp_path, "utils/__init__.py", "")
    write(tmp_path, "utils/compat.py", """\
        from tensorflow.keras import backend as K
        from tensorflow.keras.models import Sequential
        K_DEFAULT = K
    """)
    write(tmp_path, "utils/reexport.py", "from .compat import K\n")
    write(tmp_path, "train.py", """\
        import tensorflow as tf
        from utils.compat import K
        from utils.reexport import K as K2
        from utils.compat import K_DEFAULT

        K.set_session(tf.compat.v1.Session())
        K2.set_session(tf.compat.v1.Session())
        K_DEFAULT.set_session(tf.compat.v1.Session())
    """)
    # An import cycle between project modules resolves to nothing, quietly.
    write(tmp_path, "cyc/__init__.py", "")
    write(tmp_path, "cyc/a.py", "from cyc.b import K\n")
    write(tmp_path, "cyc/b.py", "from cyc.a import K\nK.set_session(None)\n")
    result = lint_paths([str(tmp_path)], use_cache=False)
    # K_DEFAULT is assigned in compat.py, not imported: unknown, never reported.
    assert [(Path(f.path).name, f.code, f.line) for f in result.findings] == [
        ("train.py", "KG401", 6),
        ("train.py", "KG401", 7),
    ]


def test_suppression_comments_of_the_helper_module_apply(tmp_path: Path) -> None:
    write(tmp_path, "nets/__init__.py", "")
    write(tmp_path, "nets/blocks.py", """\
        from tensorflow.keras import layers


        def head(x):
            layers.Dropout(0.5)  # noqa: KG203
            return layers.Dense(1)(x)
    """)
    write(tmp_path, "train.py", """\
        from tensorflow import keras
        from nets.blocks import head

        inp = keras.Input((8,))
        model = keras.Model(inp, head(inp))
    """)
    assert lint_paths([str(tmp_path / "train.py")], use_cache=False).findings == []


def test_a_file_that_never_names_keras_is_analysed_when_it_imports_the_model(tmp_path: Path) -> None:
    write(tmp_path, "setup.py", "from setuptools import setup\nsetup(name='mypkg')\n")
    write(tmp_path, "mypkg/__init__.py", "")
    write(tmp_path, "mypkg/model.py", """\
        import keras


        def build(inputs, width):
            return keras.layers.Dense(width)(inputs)


        def make_input():
            return keras.Input((4,))
    """)
    write(tmp_path, "samples/balloon.py", """\
        from mypkg import model as modellib
        from mypkg.model import build, make_input

        image = make_input()
        extra = make_input()
        out = build(image, 3)
        net = modellib.keras.Model([image, extra], out)
    """)
    result = lint_paths([str(tmp_path / "samples")], use_cache=False)
    assert [(Path(f.path).name, f.code) for f in result.findings] == [("balloon.py", "KG102")]
    assert result.analysed == [str(tmp_path / "samples" / "balloon.py")]


def test_bad_module_graphs_never_crash_hang_or_fire(tmp_path: Path) -> None:
    # A self-import, a 1,000-module chain, a module shadowing the standard
    # library, a missing module and a module that does not parse.
    write(tmp_path, "chain/__init__.py", "")
    for i in range(1000):
        write(tmp_path, f"chain/m{i}.py", f"from chain.m{i + 1} import build\nimport keras\n")
    write(tmp_path, "chain/m1000.py", "import keras\n\ndef build():\n    return keras.Input((3,))\n")
    write(tmp_path, "selfish.py", "import selfish\nfrom selfish import thing\nimport keras\n\ndef thing():\n    return selfish.thing()\n")
    # Were it taken for the standard library's, `log` would be a dropped layer.
    write(tmp_path, "logging.py", "import keras\n\ndef getLogger(name):\n    return keras.layers.Dense(1)\n")
    write(tmp_path, "main.py", """\
        import logging
        import keras
        from chain.m0 import build
        from nowhere.at.all import helper
        from broken import piece

        log = logging.getLogger(__name__)
        inp = build()
        x = keras.layers.Dense(4)(inp)
        model = keras.Model(inp, helper(piece(x)))
    """)
    write(tmp_path, "broken.py", "import keras\ndef piece(x)\n    return x\n")
    checked = [str(tmp_path / name) for name in ("main.py", "selfish.py", "logging.py", "broken.py", "chain/m0.py")]
    result = lint_paths(checked, use_cache=False)
    assert result.internal_errors == 0, result.errors
    assert [(Path(f.path).name, f.code) for f in result.findings] == [("broken.py", "KG900")]


# --------------------------------------------------------------------------
# The cache follows imported modules


def test_editing_a_module_rechecks_it_and_its_importers_only(tmp_path: Path) -> None:
    root = copy_project("textclf_src", tmp_path)
    first = lint_paths([str(root)])
    assert first.analysed  # cold
    assert lint_paths([str(root)]).analysed == []  # unchanged: everything from the cache
    encoder = root / "src" / "textclf" / "nn" / "encoder.py"
    encoder.write_text(encoder.read_text() + "\n# touched\n")
    rechecked = {Path(p).relative_to(root).as_posix() for p in lint_paths([str(root)]).analysed}
    # encoder.py and the modules that import it, directly or not: builder,
    # the package that re-exports the builder, the script that imports the
    # builder.  Not compat.py, layers.py or nn/__init__.py.
    assert rechecked == {
        "src/textclf/nn/encoder.py",
        "src/textclf/nn/builder.py",
        "src/textclf/__init__.py",
        "scripts/train_imdb.py",
    }
    second = lint_paths([str(root)])
    assert [(f.code, f.path, f.line) for f in second.findings] == [(f.code, f.path, f.line) for f in first.findings]


def test_cached_runs_from_the_project_root_report_what_the_cold_run_did(cli, tmp_path: Path) -> None:
    # `kgraphlint .` names files relatively.  Checking a_train.py's cache entry
    # reads the module it imports; that module's own result must still be
    # keyed, counted and reported under the name the user sees.
    write(tmp_path, "models/__init__.py", "")
    write(tmp_path, "models/net.py", """\
        from tensorflow import keras
        from tensorflow.keras import layers


        def build():
            a = keras.Input((8,))
            b = keras.Input((8,))
            return keras.Model([a, b], layers.Dense(1)(a))


        def size():
            return 8
    """)
    write(tmp_path, "a_train.py", "from models.net import size\n\nprint(size())\n")

    def report() -> tuple[int, list[tuple[str, str]]]:
        result = cli("--format", "json", ".", cwd=tmp_path)
        data = result.json()
        return data["files_checked"], [(f["path"], f["code"]) for f in data["findings"]]

    cold = report()
    assert cold == (3, [("models/net.py", "KG102")])
    assert report() == cold  # everything from the cache
    (tmp_path / "a_train.py").write_text("from models.net import size\n\nprint(size() + 1)\n")
    assert report() == cold  # the importer re-checked, the module from the cache


def test_a_module_appearing_later_invalidates_the_importer(tmp_path: Path) -> None:
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "main.py", """\
        import keras
        from pkg.blocks import head

        inp = keras.Input((8,))
        model = keras.Model(inp, head(inp))
    """)
    assert lint_paths([str(tmp_path)]).findings == []
    write(tmp_path, "pkg/blocks.py", """\
        import keras


        def head(x):
            keras.layers.Dense(2)
            return x
    """)
    result = lint_paths([str(tmp_path)])
    assert "main.py" in {Path(p).name for p in result.analysed}
    assert {(Path(f.path).name, f.code) for f in result.findings} == {("blocks.py", "KG203")}


def test_bases_of_an_imported_class_are_read_when_needed(tmp_path: Path) -> None:
    # heads.py defines a layer class on a base from base.py; its bases are
    # read only when something needs them (main.py never does).  chain.py
    # uses the class: its weights come from base.py's build, two modules away.
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/base.py", """\
        import keras


        class Base(keras.layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(shape=(input_shape[-1], 4))
    """)
    write(tmp_path, "pkg/heads.py", """\
        import keras
        from pkg.base import Base


        class Scale(Base):
            def call(self, x):
                return x * 2


        def head(x):
            return keras.layers.Dense(2)(x)
    """)
    write(tmp_path, "main.py", """\
        import keras
        from pkg.heads import head

        inp = keras.Input((8,))
        model = keras.Model(inp, head(inp))
    """)
    write(tmp_path, "chain.py", """\
        import keras
        from pkg.heads import Scale

        inp = keras.Input((8,))
        scale = Scale()
        x = scale(inp)
        model = keras.Model(inp, scale(x))  # expect: KG301 (a weighted layer twice in a chain)
    """)
    first = lint_paths([str(tmp_path)])
    assert {(Path(f.path).name, f.code, f.line) for f in first.findings} == {("chain.py", "KG301", 7)}


# --------------------------------------------------------------------------
# --trace imports each module as part of its package


GRAPH_RULES = ("KG1", "KG2", "KG3", "KG5")


@pytest.mark.slow
def test_trace_finds_every_marked_graph_bug_from_the_parent_and_from_a_root(tmp_path: Path, cli) -> None:
    expected = set()
    for name in PROJECTS:
        root = copy_project(name, tmp_path)
        expected |= {(f"{name}/{rel}", code, line) for rel, code, line in expected_marks(root) if code.startswith(GRAPH_RULES)}
    result = cli("--trace", "--format", "json", "--no-cache", "--exit-zero", *PROJECTS, cwd=tmp_path, timeout=900)
    assert result.returncode == 0, result.output
    report = result.json()
    traced = {
        (Path(f["path"]).as_posix(), f["code"], f["line"]) for f in report["findings"] if f["engine"] in ("trace", "both")
    }
    assert expected <= traced, result.stdout
    # Never "package `unet` is not installed": the user's own packages import.
    assert "not installed" not in result.output, result.output
    assert not [f for f in report["findings"] if f["code"] == "KG901"], result.stdout

    # From inside a project, with relative imports in its package.
    root = tmp_path / "unet_pkg"
    inside = cli("--trace", "--format", "json", "--no-cache", "--exit-zero", ".", cwd=root, timeout=900)
    assert inside.returncode == 0, inside.output
    found = {(f["path"], f["code"], f["line"], f["engine"]) for f in inside.json()["findings"]}
    assert found == {("unet/model.py", "KG102", 22, "both")}, inside.stdout


@pytest.mark.slow
def test_trace_names_the_missing_third_party_package(tmp_path: Path, cli) -> None:
    write(tmp_path, "seg/__init__.py", "")
    write(tmp_path, "seg/losses.py", "import segmentation_models_nonexistent as sm\n\nLOSS = sm.losses.dice\n")
    write(tmp_path, "seg/model.py", """\
        from tensorflow import keras

        from .losses import LOSS


        def build_model():
            inp = keras.Input((8,))
            return keras.Model(inp, keras.layers.Dense(1)(inp))
    """)
    result = cli("--trace", "--format", "json", "--no-cache", "--exit-zero", "seg", cwd=tmp_path, timeout=900)
    skipped = result.json().get("skipped", [])
    reasons = " ".join(s["reason"] for s in skipped)
    assert "segmentation_models_nonexistent" in reasons, result.output
    assert "`seg`" not in reasons


@pytest.mark.slow
def test_trace_reports_a_setup_script_that_exits_as_not_traced(tmp_path: Path, cli) -> None:
    # ``setup.py`` names keras (its requirements) and builds nothing: imported
    # by the tracer, ``setup()`` exits for want of a command.  That is why it is
    # not traced, not a defect (no KG901), and not a file it failed to read.
    write(tmp_path, "setup.py", """\
        from setuptools import find_packages, setup

        setup(name="segtool", version="0.1", packages=find_packages(), install_requires=["keras>=3"])
    """)
    write(tmp_path, "segtool/__init__.py", "")
    write(tmp_path, "segtool/net.py", """\
        import keras


        def build_net():
            inp = keras.Input((8,))
            return keras.Model(inp, keras.layers.Dense(1)(inp))
    """)
    for cwd, target in ((tmp_path, "."), (tmp_path.parent, tmp_path.name)):
        result = cli("--trace", "--format", "json", "--no-cache", target, cwd=cwd, timeout=900)
        assert result.returncode == 0, result.output
        report = result.json()
        assert report["findings"] == [], result.stdout
        reasons = {Path(s["path"]).name: s["reason"] for s in report["skipped"]}
        assert set(reasons) == {"setup.py"}, reasons
        assert reasons["setup.py"].startswith("it stops when imported (the traced code called sys.exit("), reasons


@pytest.mark.slow
def test_trace_from_a_sibling_directory_names_helper_files_as_the_static_engine(tmp_path: Path, cli) -> None:
    # Checked as ``../proj`` from a sibling directory, a defect in a helper
    # module that the traced script reaches is one finding seen by both
    # engines: the trace names the helper's file relative to the working
    # directory (``../proj/...``) as the static engine does, not absolutely.
    proj = tmp_path / "proj"
    write(proj, "nets/__init__.py", "")
    write(proj, "nets/heads.py", """\
        import keras


        def classifier(features, extra, classes):
            x = keras.layers.Dense(32, activation="relu")(features)
            return keras.Model([features, extra], keras.layers.Dense(classes)(x))
    """)
    write(proj, "bin/fit.py", """\
        import sys
        from pathlib import Path

        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

        import keras

        from nets.heads import classifier

        model = classifier(keras.Input((16,)), keras.Input((4,)), 3)
    """)
    (tmp_path / "elsewhere").mkdir()
    result = cli("--trace", "--format", "json", "--no-cache", "--exit-zero", "../proj", cwd=tmp_path / "elsewhere", timeout=900)
    assert result.returncode == 0, result.output
    found = [(f["path"], f["code"], f["line"], f["engine"]) for f in result.json()["findings"]]
    assert found == [("../proj/nets/heads.py", "KG102", 6, "both")], result.stdout


def test_exclude_also_leaves_out_defects_reached_in_excluded_modules(tmp_path: Path, cli) -> None:
    # ``vendor/`` is excluded: its files are not checked, and a defect that
    # ``train.py`` reaches in one of them is not reported either (as a
    # per-file-ignore would not report it), from the root or its parent.
    # Named on the command line, the file is checked and keeps its finding.
    write(tmp_path, "pyproject.toml", '[tool.kgraphlint]\nexclude = ["vendor/**"]\n')
    write(tmp_path, "vendor/__init__.py", "")
    write(tmp_path, "vendor/blocks.py", """\
        from tensorflow import keras


        def head(x):
            keras.layers.Dropout(0.5)
            return keras.layers.Dense(1)(x)
    """)
    write(tmp_path, "train.py", """\
        from tensorflow import keras

        from vendor.blocks import head

        inp = keras.Input((8,))
        model = keras.Model(inp, head(inp))
    """)

    def found(cwd: Path, *targets: str) -> tuple[int, list[tuple[str, str]]]:
        report = cli("--format", "json", "--no-cache", "--exit-zero", *targets, cwd=cwd).json()
        return report["files_checked"], [(Path(f["path"]).name, f["code"]) for f in report["findings"]]

    assert found(tmp_path, ".") == (1, [])
    assert found(tmp_path.parent, tmp_path.name) == (1, [])
    assert found(tmp_path, ".", "vendor/blocks.py") == (2, [("blocks.py", "KG203")])
