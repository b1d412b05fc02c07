"""Keep the directory kgraphlint runs in off the import path of its own process.

``python -m kgraphlint`` puts the working directory first on ``sys.path``, so a
repository's own ``argparse.py``, ``dataclasses.py``, ``typing.py`` or
``libcst.py`` would be imported, i.e. executed, by the linter that promises
never to run the code it checks.  The package's ``__init__`` calls
:func:`protect_import_path` before importing anything that is not already
loaded; it only acts when kgraphlint is the program being started (``-m`` or
the console script), never when it is imported as a library.

Only ``sys`` and ``os`` may be imported here: both are loaded before any user
directory is on the path.
"""

import os
import sys


def protect_import_path() -> None:
    started_with_m = _started_with_dash_m()
    if not started_with_m and not _started_as_console_script():
        return
    if started_with_m and not getattr(sys.flags, "safe_path", False) and sys.path[:1] in ([""], [os.getcwd()]):
        # The entry ``-m`` prepended: the working directory.  The same
        # directory named in PYTHONPATH stays (a later, explicit entry).
        del sys.path[0]
    # An empty PYTHONPATH component (``PYTHONPATH=:/src``, from
    # ``export PYTHONPATH=$PYTHONPATH:/src``) also means "the working
    # directory" (site.py has made it absolute by now); a directory named
    # explicitly stays.
    components = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if os.environ.get("PYTHONPATH") and "" in components:
        cwd = os.getcwd()
        named = {os.path.abspath(c) for c in components if c}
        if cwd not in named:
            sys.path[:] = [entry for entry in sys.path if entry not in ("", cwd)]
    else:
        sys.path[:] = [entry for entry in sys.path if entry != ""]


def _started_with_dash_m() -> bool:
    # runpy sets argv[0] to "-m" while it locates the module: we are being
    # imported as the package of ``python -m kgraphlint``.
    if sys.argv[:1] != ["-m"]:
        return False
    args = list(getattr(sys, "orig_argv", None) or [])[1:]
    for index, arg in enumerate(args):
        if arg == "-m":
            module = args[index + 1] if index + 1 < len(args) else ""
        elif arg.startswith("-m"):
            module = arg[2:]
        else:
            continue
        # Not the trace worker (``-m kgraphlint.trace.worker``): it runs the
        # user's code by design, with the working directory importable.
        return module in ("kgraphlint", "kgraphlint.__main__")
    return not args  # no orig_argv (Python < 3.10): trust argv[0]


def _started_as_console_script() -> bool:
    main = sys.modules.get("__main__")
    script = getattr(main, "__file__", None)
    if not script or not sys.argv or not sys.argv[0]:
        return False
    name = os.path.basename(sys.argv[0]).lower()
    if name.endswith(".exe"):
        name = name[: -len(".exe")]
    if name.endswith("-script.py"):
        name = name[: -len("-script.py")]
    return name == "kgraphlint" and os.path.abspath(script) == os.path.abspath(sys.argv[0])
