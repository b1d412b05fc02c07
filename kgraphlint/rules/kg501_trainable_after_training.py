"""KG501 trainable-after-training: `trainable` changed between two fits with no compile.

A rule over the training events both engines record (:class:`graph.Fit`,
:class:`graph.Compile`, :class:`graph.TrainableChange`, each with its
:class:`graph.When`): for each model, two fits in a row with no compile() in
between that surely ran, and a `trainable` change between them that touched
the model's layers and did not leave them as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Optional, Union

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, Fit, Layer, Model, Site, TrainableChange, When
from kgraphlint.rules.base import Rule


@dataclass
class _Episode:
    """``model`` fitted at ``before``, fitted again at ``after`` with no
    compile() in between that surely ran, and a ``trainable`` change between."""

    model: Model
    before: Fit
    after: Fit
    change: TrainableChange


def _states(fit: Fit) -> dict[int, Optional[bool]]:
    """id(layer or model) -> its trainable flag at that fit (None: unknown)."""
    states: dict[int, Optional[bool]] = {id(layer): flag for layer, flag in (fit.trainable or {}).items()}
    states.update((id(model), flag) for model, flag in fit.model_trainable.items())
    return states


def _subjects(change: TrainableChange) -> list[Union[Layer, Model]]:
    return [*change.layers, *change.models]


def _touches(change: TrainableChange, members: set[int]) -> bool:
    """The change set the flag of something the fitted model is made of."""
    return any(id(x) in members for x in (*_subjects(change), *change.layers_of))


def _unchanged(change: TrainableChange, before: dict[int, Optional[bool]], after: dict[int, Optional[bool]]) -> bool:
    """Everything the change touched is known to be as it was at the first fit
    (a GAN sets its discriminator back before fitting it again)."""
    if change.layers_of:
        return False  # some layers, the engine does not know which
    subjects = [x for x in _subjects(change) if id(x) in before or id(x) in after]
    if not subjects:
        return False
    for x in subjects:
        was, now = before.get(id(x)), after.get(id(x))
        if was is None or now is None or was != now:
            return False
    return True


def _common_depth(*whens: When) -> int:
    """How many outer calls the events share: the scope the pattern is seen in."""
    depth = 0
    for calls in zip(*(w.via for w in whens)):
        first = calls[0]
        if any(c[0].key() != first[0].key() or c[1] != first[1] for c in calls[1:]):
            break
        depth += 1
    return depth


def _arms_deeper_than(when: When, other: When, depth: int) -> bool:
    """``when`` happened under an ``if`` arm ``other`` is not in, entered
    inside a call deeper than ``depth`` (an ``if`` inside a helper)."""
    others = set(other.branch_path)
    depths = when.arm_depths or (0,) * len(when.branch_path)
    return any(arm not in others and d > depth for arm, d in zip(when.branch_path, depths))


def _recompiles(compiled: When, *events: When) -> bool:
    """The compile ran whenever these events did: it is in no ``if`` arm
    they are not in, except arms inside a helper (a compile() anywhere in a
    helper counts)."""
    depth = _common_depth(compiled, *events)
    others = set().union(*(e.branch_path for e in events))
    depths = compiled.arm_depths or (0,) * len(compiled.branch_path)
    return all(arm in others or d > depth for arm, d in zip(compiled.branch_path, depths))


def _previous_fit(fits: list[Fit], after: Fit) -> Optional[Fit]:
    """The fit before ``after`` on a path that leads to it, that surely ran
    when the code around it did (not under an ``if`` inside a helper)."""
    for fit in reversed(fits):
        if fit.when.exclusive_with(after.when):
            continue
        if _arms_deeper_than(fit.when, after.when, _common_depth(fit.when, after.when)):
            continue
        return fit
    return None


def _episodes(facts: Facts) -> Iterator[_Episode]:
    fits: dict[int, list[Fit]] = {}
    for fit in facts.fits:
        fits.setdefault(id(fit.model), []).append(fit)
    compiles: dict[int, list[When]] = {}
    for c in facts.compiles:
        if c.when is not None:
            compiles.setdefault(id(c.model), []).append(c.when)
    changes = sorted(facts.trainable_changes, key=lambda t: t.when.order)
    for model_fits in fits.values():
        model_fits.sort(key=lambda f: f.when.order)
        model = model_fits[0].model
        for i, after in enumerate(model_fits):
            before = _previous_fit(model_fits[:i], after)
            if before is None:
                continue
            low, high = before.when.order, after.when.order
            between = [c for c in compiles.get(id(model), ()) if low < c.order < high]
            if any(_recompiles(c, after.when) for c in between):
                continue
            was, now = _states(before), _states(after)
            members = set(was) | set(now) | {id(model)}
            for change in changes:
                if change.when.order <= low:
                    continue
                if change.when.order >= high:
                    break
                if change.when.exclusive_with(after.when) or not _touches(change, members):
                    continue
                depth = _common_depth(before.when, change.when, after.when)
                if _arms_deeper_than(change.when, after.when, depth):
                    continue  # may not happen: under an `if` inside a helper
                if any(_recompiles(c, change.when, after.when) for c in between):
                    continue  # recompiled on the change's own path (`if freeze: ...; compile()`)
                if not _unchanged(change, was, now):
                    yield _Episode(model, before, after, change)


def _shown_at(site: Optional[Site], when: When, depth: int) -> Optional[Site]:
    """Where an event is shown in the scope ``depth`` calls deep: the call that
    leads to it when it happened deeper, else its own site."""
    return when.via[depth][0] if len(when.via) > depth else site


class TrainableAfterTraining(Rule):
    """
    ## What it does
    Reports `trainable` changed on a model, on its layers (`model.layers[i]`,
    `for layer in model.layers[...]:`, `model.get_layer(...)`) or on a model it
    was built from (`model = keras.Model(base.input, out)`, or `base(...)`
    called inside it), after that model was `fit` and before it is `fit`
    again with no `model.compile(...)` in between.

    Both engines record what the program does, in the order it runs: each
    fit (`fit`, `train_on_batch`...) with the `trainable` flags of the model's
    layers at that moment, each `compile()`, each `trainable` assignment.  The
    static engine reads statements in order through `if`/`for`/`while`/
    `with`/`try` and into the functions a file calls (a loop body is read
    more than once, so an unfreeze at the end of one pass meets the `fit` at
    the start of the next); objects it cannot pin down (a parameter, a model
    from code it cannot see) are followed by identity.  Under `--trace` the
    events are those of the real run, with the real layers' flags (code the
    tracer runs: module level and the builders, not a `main()` that trains).

    A change made inside a helper is reported at the helper's call, with the
    assignment inside it as related; a change that may not happen inside a
    helper (under an `if` there) is not, while a `compile()` anywhere in the
    helper counts.  A change that leaves every flag it touched as it was at
    the previous fit (a GAN toggling its discriminator's `trainable` around
    the generator step) is not reported.  A change the engine cannot measure
    (some layers of `base.layers[-20:]`, a flag set under a condition) is.

    ## Why is this bad?
    Keras builds the training step at the first `fit` after `compile()`, with
    the set of trainable variables of that moment. Changing `trainable`
    afterwards does not change what the next `fit` trains (checked on Keras
    3.15): the unfrozen layers stay frozen, or the frozen ones keep training,
    silently. `compile()` rebuilds the step.

    ## Example
    ```python
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    model.fit(train_ds, epochs=5)
    for layer in base.layers[-30:]:
        layer.trainable = True
    model.fit(train_ds, epochs=5)
    ```

    ## Use instead
    ```python
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    model.fit(train_ds, epochs=5)
    for layer in base.layers[-30:]:
        layer.trainable = True
    model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="categorical_crossentropy")
    model.fit(train_ds, epochs=5)
    ```
    """

    code = "KG501"
    code = "KG501"
    name = "trainable-after-training"
    severity = "warning"
    engines = "ST"
    summary = "trainable changed after fit() and fitted again without compile(): the change is ignored."

    VALID = (
        # The classic fine-tune: fit, unfreeze, recompile, fit.
        "import keras\n\n"
        "base = keras.applications.MobileNetV2(include_top=False, weights=None, pooling='avg')\n"
        "base.trainable = False\n"
        "model = keras.Model(base.input, keras.layers.Dense(3)(base.output))\n"
        "model.compile(optimizer='adam', loss='mse')\n"
        "model.fit(x, y, epochs=2)\n"
        "base.trainable = True\n"
        "model.compile(optimizer=keras.optimizers.Adam(1e-5), loss='mse')\n"
        "model.fit(x, y, epochs=2)\n",
        # Changed between compile() and the first fit(): the step is built at that fit.
        "model.compile(optimizer='adam', loss='mse')\n"
        "for layer in model.layers[:10]:\n"
        "    layer.trainable = False\n"
        "model.fit(x, y)\n"
        "model.fit(x, y)\n",
        # A different model.
        "model.fit(x, y)\n"
        "other.trainable = False\n"
        "model.fit(x, y)\n",
    )
    INVALID = (
        "import keras\n\n"
        "def train(x, y):\n"
        "    base = keras.applications.MobileNetV2(include_top=False, weights=None, pooling='avg')\n"
        "    base.trainable = False\n"
        "    model = keras.Model(base.input, keras.layers.Dense(3)(base.output))\n"
        "    model.compile(optimizer='adam', loss='mse')\n"
        "    model.fit(x, y, epochs=2)\n"
        "    base.trainable = True  # expect\n"
        "    model.fit(x, y, epochs=2)\n",
        "model.compile(optimizer='adam', loss='mse')\n"
        "model.fit(x, y)\n"
        "for layer in model.layers[-4:]:\n"
        "    layer.trainable = True  # expect\n"
        "model.get_layer('head').trainable = False  # expect\n"
        "model.fit(x, y)\n",
        "import keras\n\n"
        "inputs = keras.Input((224, 224, 3))\n"
        "base = keras.applications.ResNet50(include_top=False, weights=None)\n"
        "base.trainable = False\n"
        "x = base(inputs, training=False)\n"
        "x = keras.layers.GlobalAveragePooling2D()(x)\n"
        "model = keras.Model(inputs, keras.layers.Dense(2)(x))\n"
        "model.compile('adam', 'mse')\n"
        "if __name__ == '__main__':\n"
        "    model.fit(data, epochs=1)\n"
        "    base.trainable = True  # expect\n"
        "    model.fit(data, epochs=1)\n",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        if not facts.trainable_changes:
            return []
        reported: dict[tuple[str, int, int], Finding] = {}
        for episode in _episodes(facts):
            finding = self._episode_finding(episode, facts.engine)
            if finding is not None:
                reported.setdefault((finding.path, finding.line, finding.column), finding)
        return list(reported.values())

    def _episode_finding(self, episode: _Episode, engine: str) -> Optional[Finding]:
        change, first, second = episode.change, episode.before, episode.after
        depth = _common_depth(first.when, change.when, second.when)
        at = _shown_at(change.site, change.when, depth)
        before = _shown_at(first.site, first.when, depth)
        after = _shown_at(second.site, second.when, depth)
        if at is None or before is None or after is None:
            return None
        model = episode.model.display()
        related: list[tuple[Optional[Site], str]] = [
            (before, f"`{model}` fitted here"),
            (after, f"`{model}` fitted again here, without compile()"),
        ]
        if len(change.when.via) > depth:
            helper = change.when.via[depth][1]
            related.insert(0, (change.site, f"`trainable` changed here, inside `{helper}()`"))
            what = f"`{helper}()` changes `trainable` on `{model}` (line {change.site.line})"
        else:
            what = f"`{change.target}.trainable` is changed"
        return self.finding(
            at,
            f"{what} after `{model}` was fitted (line {before.line}), "
            f"and `{model}` is fitted again (line {after.line}) without `{model}.compile()`: "
            "Keras keeps training the weights chosen at the first fit, so the change is ignored.",
            f"call `{model}.compile(...)` after changing `trainable` and before fitting again",
            engine=engine,
            related=related,
        )
