"""The runtime tracer (``--trace``): builds the real Keras graph of each file.

Parent side (never imports keras): :mod:`~kgraphlint.trace.runner`
(``TraceRequest``, ``trace_files``), :mod:`~kgraphlint.trace.calls`
(``trace.calls`` entries), :mod:`~kgraphlint.trace.serialize`.
Worker side (imports keras, in ``python -m kgraphlint.trace.worker``):
:mod:`~kgraphlint.trace.hooks`, :mod:`~kgraphlint.trace.model_facts`
(also ``check_model`` for models built elsewhere), :mod:`~kgraphlint.trace.labels`,
:mod:`~kgraphlint.trace.frames`, :mod:`~kgraphlint.trace.errors`,
:mod:`~kgraphlint.trace.sandbox` (what traced code may do: an audit hook),
:mod:`~kgraphlint.trace.isolation` (one file cannot change the next),
:mod:`~kgraphlint.trace.standins` (offline datasets and downloads),
:mod:`~kgraphlint.trace.blame` (a failure the sandbox caused is a "not fully
traced" skip, not KG901; pure, importable without keras).

Importing this package imports nothing else.
"""
