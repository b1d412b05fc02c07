"""Expressions: names, attributes, subscripts, calls' arguments, literals, operators."""

from __future__ import annotations

import builtins
import operator
from typing import Any, Callable, Optional

import libcst as cst

from kgraphlint.static.values import (
    SliceKey,
    EAGER,
    UNKNOWN,
    BoundMethod,
    ClassV,
    Const,
    DictV,
    EagerData,
    FactValue,
    FuncV,
    InstanceV,
    ModuleV,
    PartialV,
    Ref,
    SeqV,
    UnionV,
    Value,
    options,
    truthiness,
    union,
)
from kgraphlint.static.state import InterpreterState
from kgraphlint.static.frames import Frame, MAX_INLINE_DEPTH
from kgraphlint.static.syntax import _all_params, _is_classmethod, _star_names
from kgraphlint.static.value_ops import _all_const


_BUILTIN_NAMES = frozenset(dir(builtins))


_BINOPS = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.Divide: operator.truediv,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
    cst.Power: operator.pow,
}


_COMPARE: dict[type[cst.BaseCompOp], Callable[[Any, Any], Any]] = {
    cst.Equal: operator.eq,
    cst.NotEqual: operator.ne,
    cst.LessThan: operator.lt,
    cst.LessThanEqual: operator.le,
    cst.GreaterThan: operator.gt,
    cst.GreaterThanEqual: operator.ge,
    cst.Is: operator.is_,
    cst.IsNot: operator.is_not,
    cst.In: lambda a, b: a in b,
    cst.NotIn: lambda a, b: a not in b,
}


def _is_eager(value: Value) -> bool:
    return value.eager_data


def _string_const(node: cst.SimpleString) -> Value:
    """The value of a string literal; cheap for the common plain strings."""
    value = node.value
    prefix = node.prefix.lower()
    if "b" not in prefix:
        quote = node.quote
        body = value[len(prefix) + len(quote): len(value) - len(quote)]
        if "\\" not in body or "r" in prefix:
            return Const(body)
    try:
        return Const(node.evaluated_value)
    except Exception:
        return UNKNOWN


class ExpressionsMixin(InterpreterState):
    """Expressions: names, attributes, subscripts, calls' arguments, literals, operators."""

    def eval(self, node: Optional[cst.BaseExpression], frame: Frame) -> Value:
        if node is None:
            return UNKNOWN
        method = _EVAL.get(type(node))
        if method is not None:
            return method(self, node, frame)
        # Unknown construct: still evaluate what is inside, for its effects.
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.mark_used(self.eval(child, frame))
        return UNKNOWN

    def eval_used(self, node: cst.BaseExpression, frame: Frame) -> Value:
        value = self.eval(node, frame)
        self.mark_used(value)
        return value

    def eval_name(self, node: cst.Name, frame: Frame) -> Value:
        name = node.value
        if name in ("True", "False", "None"):
            return Const({"True": True, "False": False, "None": None}[name])
        value = frame.lookup(name)
        if value is None and name in _BUILTIN_NAMES:
            return Ref(f"builtins.{name}")
        if value is None or value is UNKNOWN:
            # The library may follow what it holds by identity from now on.
            value = self.identify_unknown(name, frame)
            if value is None:
                return UNKNOWN
        # Naming a value is not using it: consumers (calls, operators,
        # stores, returns to an outside caller) mark what they consume.
        self.note_read(value)
        return value

    def eval_attribute(self, node: cst.Attribute, frame: Frame) -> Value:
        base = self.eval(node.value, frame)
        name = node.attr.value
        # Reading an attribute (``x.shape``, ``layer.weights``,
        # ``layer.get_config()``) uses the object.  Configuring a layer
        # (``.adapt(data)``, ``.build(shape)``, ``.set_weights(w)``) prepares it
        # for a graph without putting it in one: it counts as a use only where
        # no model is built (a test or utility working with the layer itself);
        # next to a model that leaves it out, the layer was forgotten (KG203).
        if not self.configures_library_value(base, name):
            self.mark_used(base)
        result = self.attribute(base, name, node)
        if isinstance(base, InstanceV):
            self.note_read(result)
        return result

    def attribute(self, base: Value, name: str, node: cst.CSTNode) -> Value:
        if isinstance(base, UnionV):
            # ``keras = None`` in an ``except ImportError`` fallback: reading an
            # attribute of None fails, so only the other options go on.
            live = [o for o in base.options if not (isinstance(o, Const) and o.value is None)]
            return union([self.attribute(o, name, node) for o in live or base.options])
        if isinstance(base, Ref):
            return Ref(f"{base.path}.{name}")
        library = self.library_attribute(base, name, node)
        if library is not None:
            return library
        if isinstance(base, InstanceV):
            value = base.attrs.get(name)
            if value is not None:
                return value
            member = base.cls.member(name)
            if isinstance(member, FuncV):
                return BoundMethod(base, name)
            if base.opaque:
                return UNKNOWN  # perhaps set by an ``__init__`` not seen
            return member if member is not None else UNKNOWN
        if isinstance(base, ClassV):
            member = base.member(name)
            if isinstance(member, FuncV) and _is_classmethod(member.node):
                # ``Net.from_dict(cfg)``: ``cls`` is the class it is read from.
                return PartialV(member, [(base, node)], {})
            return member if member is not None else UNKNOWN
        if isinstance(base, ModuleV):
            value = self.module_attribute(base, name)
            return value if value is not None else UNKNOWN
        if isinstance(base, (SeqV, DictV, Const)):
            return BoundMethod(base, name)
        if isinstance(base, EagerData):
            # ``noise.astype("float32")``, ``x.shape``: still data.
            return EAGER
        return UNKNOWN

    def eval_subscript(self, node: cst.Subscript, frame: Frame) -> Value:
        base = self.eval(node.value, frame)
        key = self.subscript_key(node, frame)
        self.mark_used(key)
        if not isinstance(base, (SeqV, DictV, UnionV)):
            # Indexing a container selects an item (which flows on); indexing
            # anything else (a tensor) consumes it.
            self.mark_used(base)
        return self.subscript(base, key, node)

    def subscript_key(self, node: cst.Subscript, frame: Frame) -> Value:
        if len(node.slice) != 1:
            for el in node.slice:
                if isinstance(el.slice, cst.Index):
                    self.eval(el.slice.value, frame)
            return UNKNOWN
        sl = node.slice[0].slice
        if isinstance(sl, cst.Index):
            return self.eval(sl.value, frame)
        if isinstance(sl, cst.Slice):
            parts: list[Any] = []
            for part in (sl.lower, sl.upper, sl.step):
                if part is None:
                    parts.append(None)
                    continue
                v = self.eval(part, frame)
                if not isinstance(v, Const):
                    return SliceKey(None)
                parts.append(v.value)
            try:
                return SliceKey(slice(*parts))
            except TypeError:
                return SliceKey(None)
        return UNKNOWN

    def subscript(self, base: Value, key: Value, node: cst.CSTNode) -> Value:
        if isinstance(base, UnionV):
            return union([self.subscript(o, key, node) for o in base.options])
        if isinstance(base, SeqV):
            if not base.exact:
                return UNKNOWN
            if isinstance(key, Const) and isinstance(key.value, int) and not isinstance(key.value, bool):
                try:
                    return base.items[key.value]
                except IndexError:
                    return UNKNOWN
            if isinstance(key, SliceKey) and key.slice is not None:
                try:
                    return SeqV(base.items[key.slice], exact=True, is_tuple=base.is_tuple)
                except (TypeError, ValueError):
                    return UNKNOWN
            return UNKNOWN
        if isinstance(base, DictV):
            if isinstance(key, Const):
                try:
                    item = base.items.get(key.value)
                except TypeError:
                    return UNKNOWN
                if item is not None:
                    return item
            return UNKNOWN
        if isinstance(base, Const) and isinstance(key, Const):
            try:
                return Const(base.value[key.value])
            except Exception:
                return UNKNOWN
        library = self.library_subscript(base, key, node)
        return library if library is not None else UNKNOWN

    def eval_sequence(self, node, frame: Frame) -> Value:
        items: list[Value] = []
        exact = True
        for el in node.elements:
            if isinstance(el, cst.StarredElement):
                v = self.eval(el.value, frame)
                if isinstance(v, SeqV):
                    items.extend(v.items)
                    exact = exact and v.exact
                else:
                    self.mark_used(v)
                    exact = False
            else:
                items.append(self.eval(el.value, frame))
        return SeqV(items, exact=exact, is_tuple=isinstance(node, cst.Tuple))

    def eval_set(self, node, frame: Frame) -> Value:
        for el in node.elements:
            self.mark_used(self.eval(el.value, frame))
        return UNKNOWN

    def eval_dict(self, node: cst.Dict, frame: Frame) -> Value:
        items: dict[Any, Value] = {}
        exact = True
        for el in node.elements:
            if isinstance(el, cst.StarredDictElement):
                v = self.eval(el.value, frame)
                if isinstance(v, DictV):
                    items.update(v.items)
                    exact = exact and v.exact
                else:
                    self.mark_used(v)
                    exact = False
                continue
            assert isinstance(el, cst.DictElement)  # the only other kind of element
            key = self.eval(el.key, frame)
            value = self.eval(el.value, frame)
            if isinstance(key, Const):
                try:
                    items[key.value] = value
                    continue
                except TypeError:
                    pass
            self.mark_used(value)
            exact = False
        return DictV(items, exact=exact)

    def eval_comprehension(self, node, frame: Frame) -> Value:
        inner = Frame(frame, module=frame.module, inline=frame.inline, function=frame.function)
        results: list[Any] = []  # values, or (key, value) pairs for a dict comprehension
        exact = self._comprehend(node.for_in, inner, lambda: results.append(self._comp_element(node, inner)))
        if isinstance(node, cst.DictComp):
            items: dict[Any, Value] = {}
            for key, value in results:
                if isinstance(key, Const):
                    try:
                        items[key.value] = value
                        continue
                    except TypeError:
                        pass
                exact = False
                self.mark_used(value)
            return DictV(items, exact=exact)
        if isinstance(node, (cst.SetComp, cst.GeneratorExp)):
            if isinstance(node, cst.SetComp):
                for v in results:
                    self.mark_used(v)
                return UNKNOWN
        return SeqV(results, exact=exact)

    def _comp_element(self, node, frame: Frame):
        if isinstance(node, cst.DictComp):
            return (self.eval(node.key, frame), self.eval(node.value, frame))
        return self.eval(node.elt, frame)

    def _comprehend(self, for_in: cst.CompFor, frame: Frame, emit) -> bool:
        iterable = self.eval(for_in.iter, frame)
        passes, exact, certain = self.iteration(iterable)
        if not exact:
            passes = passes[:2]
        all_exact = exact
        with self.iterating(len(passes), exact, certain):
            for i, value in enumerate(passes):
                if i == 1 and not exact:
                    self.speculative += 1
                try:
                    self.assign(for_in.target, value, frame, None)
                    keep = True
                    for cond in for_in.ifs:
                        t = truthiness(self.eval(cond.test, frame))
                        if t is False:
                            keep = False
                        elif t is None:
                            all_exact = False
                    if keep:
                        if for_in.inner_for_in is not None:
                            all_exact = self._comprehend(for_in.inner_for_in, frame, emit) and all_exact
                        else:
                            emit()
                finally:
                    if i == 1 and not exact:
                        self.speculative -= 1
        return all_exact

    def eval_lambda(self, node: cst.Lambda, frame: Frame) -> Value:
        defaults = {}
        for p in _all_params(node.params):
            if p.default is not None:
                defaults[p.name.value] = self.eval(p.default, frame)
        # The body runs later (``ds.map(lambda x: flip(x))``, ``Lambda(fn)``):
        # interpret it once with unknown arguments so that what it captures
        # counts as used and what it builds is seen.
        inner = Frame(frame, module=frame.module, inline=False, function=frame.function)
        for name in [p.name.value for p in _all_params(node.params)] + _star_names(node.params):
            inner.env[name] = UNKNOWN
        self.mark_used(self.eval(node.body, inner))
        return FuncV(node, "<lambda>", frame, defaults)

    def eval_string(self, node, frame: Frame) -> Value:
        if isinstance(node, cst.SimpleString):
            return _string_const(node)
        if isinstance(node, cst.ConcatenatedString):
            left = self.eval(node.left, frame)
            right = self.eval(node.right, frame)
            if isinstance(left, Const) and isinstance(right, Const) and type(left.value) is type(right.value):
                return Const(left.value + right.value)
            return UNKNOWN
        if isinstance(node, cst.FormattedString):
            parts: list[str] = []
            known = True
            for part in node.parts:
                if isinstance(part, cst.FormattedStringText):
                    parts.append(part.value)
                elif isinstance(part, cst.FormattedStringExpression):  # the only other kind of part
                    value = self.eval_used(part.expression, frame)
                    if (
                        isinstance(value, Const)
                        and part.conversion is None
                        and part.format_spec is None
                        and isinstance(value.value, (str, int))
                        and not isinstance(value.value, bool)
                    ):
                        parts.append(str(value.value))
                    else:
                        known = False
            if known and "{" not in "".join(p for p in parts) and "b" not in node.prefix.lower():
                return Const("".join(parts))
            return UNKNOWN
        return UNKNOWN

    def eval_number(self, node, frame: Frame) -> Value:
        text = node.value.replace("_", "")
        try:
            if isinstance(node, cst.Integer):
                return Const(int(text, 0))
            if isinstance(node, cst.Float):
                return Const(float(text))
        except ValueError:
            pass
        try:
            return Const(node.evaluated_value)
        except Exception:
            return UNKNOWN

    def eval_binary(self, node: cst.BinaryOperation, frame: Frame) -> Value:
        left = self.eval(node.left, frame)
        right = self.eval(node.right, frame)
        return self.binop(left, node.operator, right, node)

    def binop(self, left: Value, op, right: Value, node) -> Value:
        if any(_is_eager(v) for v in (left, right)) and all(
            _is_eager(v) or isinstance(v, Const) for v in (left, right)
        ):
            # Arithmetic on arrays (``x - 0.1 * noise``): data again.
            self.mark_used(left)
            self.mark_used(right)
            return EAGER
        if isinstance(left, Const) and isinstance(right, Const):
            fn = _BINOPS.get(type(op))
            if fn is None:
                return UNKNOWN
            try:
                if isinstance(op, cst.Power) and isinstance(right.value, (int, float)) and abs(right.value) > 64:
                    return UNKNOWN
                if isinstance(op, cst.Multiply) and any(isinstance(v.value, (str, bytes, tuple)) for v in (left, right)):
                    n = right.value if isinstance(right.value, int) else left.value
                    if isinstance(n, int) and n > 1000:
                        return UNKNOWN
                return Const(fn(left.value, right.value))
            except Exception:
                return UNKNOWN
        if isinstance(left, SeqV) and isinstance(right, SeqV) and isinstance(op, cst.Add):
            return SeqV(left.items + right.items, exact=left.exact and right.exact, is_tuple=left.is_tuple)
        if isinstance(left, SeqV) and isinstance(right, Const) and isinstance(op, cst.Multiply):
            if left.exact and isinstance(right.value, int) and 0 <= right.value <= 16:
                return SeqV(left.items * right.value, exact=True, is_tuple=left.is_tuple)
            return SeqV(list(left.items), exact=False)
        name = type(op).__name__.lower() if op is not None else "op"
        return self.library_operation(name, [left, right], node)

    def eval_unary(self, node: cst.UnaryOperation, frame: Frame) -> Value:
        value = self.eval(node.expression, frame)
        if isinstance(node.operator, cst.Not):
            t = truthiness(value)
            return UNKNOWN if t is None else Const(not t)
        if isinstance(value, Const):
            try:
                if isinstance(node.operator, cst.Minus):
                    return Const(-value.value)
                if isinstance(node.operator, cst.Plus):
                    return Const(+value.value)
                if isinstance(node.operator, cst.BitInvert):
                    return Const(~value.value)
            except Exception:
                return UNKNOWN
        return self.library_operation("neg", [value], node)

    def eval_boolean(self, node: cst.BooleanOperation, frame: Frame) -> Value:
        left = self.eval(node.left, frame)
        t = truthiness(left)
        is_and = isinstance(node.operator, cst.And)
        if t is not None:
            if (is_and and t is False) or (not is_and and t is True):
                return left
            return self.eval(node.right, frame)
        right = self.eval(node.right, frame)
        return union([left, right])

    def eval_compare(self, node: cst.Comparison, frame: Frame) -> Value:
        left = self.eval(node.left, frame)
        result: Optional[bool] = True
        for target in node.comparisons:
            right = self.eval(target.comparator, frame)
            self.mark_used(left)
            self.mark_used(right)
            outcome = self.compare(left, target.operator, right)
            if outcome is None:
                result = None
            elif outcome is False and result is not None:
                result = False
            left = right
        return UNKNOWN if result is None else Const(result)

    def compare(self, left: Value, op, right: Value) -> Optional[bool]:
        if isinstance(op, (cst.Is, cst.IsNot)) and (
            (isinstance(right, Const) and right.value is None) or (isinstance(left, Const) and left.value is None)
        ):
            other = left if isinstance(right, Const) and right.value is None else right
            if isinstance(other, Const):
                is_none = other.value is None
            elif other.never_none:
                is_none = False
            else:
                return None
            return is_none if isinstance(op, cst.Is) else not is_none
        if isinstance(left, Const) and isinstance(right, Const):
            fn = _COMPARE.get(type(op))
            if fn is None:
                return None
            try:
                return bool(fn(left.value, right.value))
            except Exception:
                return None
        if isinstance(op, (cst.In, cst.NotIn)) and isinstance(left, Const) and isinstance(right, SeqV) and right.exact:
            if _all_const(right.items):
                found = any(i.value == left.value for i in right.items)
                return found if isinstance(op, cst.In) else not found
        return None

    def eval_ifexp(self, node: cst.IfExp, frame: Frame) -> Value:
        t = truthiness(self.eval_used(node.test, frame))
        if t is True:
            return self.eval(node.body, frame)
        if t is False:
            return self.eval(node.orelse, frame)
        point = self.next_branch_point()
        results = []
        for arm, expr in enumerate((node.body, node.orelse)):
            self.branch_path.append((point, arm))
            try:
                results.append(self.eval(expr, frame))
            finally:
                self.branch_path.pop()
        return union(results)

    def next_branch_point(self) -> int:
        self._branch_points += 1
        return self._branch_points

    def eval_named(self, node: cst.NamedExpr, frame: Frame) -> Value:
        value = self.eval(node.value, frame)
        self.assign(node.target, value, frame, node.value)
        return value

    def eval_await(self, node, frame: Frame) -> Value:
        self.mark_used(self.eval(node.expression, frame))
        return UNKNOWN

    def eval_yield(self, node, frame: Frame) -> Value:
        frame.saw_yield = True
        if node.value is not None:
            value = node.value
            inner = value.item if isinstance(value, cst.From) else value
            self.mark_used(self.eval(inner, frame))
        return UNKNOWN

    def mark_used(self, value: Value, _seen: Optional[set[int]] = None) -> None:
        if isinstance(value, FactValue):
            value.fact.used = True
            return
        if isinstance(value, (SeqV, DictV, UnionV)):
            seen = _seen if _seen is not None else set()
            if id(value) in seen:
                return
            seen.add(id(value))
            children = value.items if isinstance(value, SeqV) else (
                value.items.values() if isinstance(value, DictV) else value.options
            )
            for child in children:
                self.mark_used(child, seen)

    def mark_args_used(self, args, kwargs) -> None:
        for value, _ in args:
            self.mark_used(value)
        for value, _ in kwargs.values():
            self.mark_used(value)

    def eval_call(self, node: cst.Call, frame: Frame) -> Value:
        started = self.start_call()
        func = self.eval(node.func, frame)
        args: list[tuple[Value, cst.CSTNode]] = []
        kwargs: dict[str, tuple[Value, cst.CSTNode]] = {}
        star_unknown = False
        for arg in node.args:
            value = self.eval(arg.value, frame)
            if arg.keyword is not None:
                kwargs[arg.keyword.value] = (value, arg.value)
            elif arg.star == "*":
                if isinstance(value, SeqV) and value.exact:
                    args.extend((item, arg.value) for item in value.items)
                else:
                    self.mark_used(value)
                    star_unknown = True
            elif arg.star == "**":
                if isinstance(value, DictV) and value.exact:
                    for k, v in value.items.items():
                        if isinstance(k, str):
                            kwargs[k] = (v, arg.value)
                else:
                    self.mark_used(value)
                    star_unknown = True
            else:
                args.append((value, arg.value))
        result = self.call(func, args, kwargs, node, frame, star_unknown)
        self.finish_call(started, result)
        self.run_escaped_functions(args, kwargs)
        return result

    def run_escaped_functions(self, args, kwargs) -> None:
        """A function of this file handed to code the engine cannot see
        (``ds.map(prep)``, ``tf.py_function(fn, ...)``) may run right there: it
        is interpreted now, with unknown arguments, so the layers it calls are
        seen as called before the names it reads are rebound."""
        for value, _ in list(args) + list(kwargs.values()):
            for opt in options(value):
                if (
                    isinstance(opt, FuncV)
                    and not opt.is_lambda
                    and opt.owner is None
                    and id(opt.node) not in self.interpreted_functions
                    and opt.node not in self.inline_stack
                    and len(self.inline_stack) < MAX_INLINE_DEPTH
                ):
                    self.run_standalone(opt)


_EVAL: dict[type[cst.CSTNode], Callable[..., Value]] = {
    cst.Ellipsis: lambda self, node, frame: Const(...),
    cst.Name: ExpressionsMixin.eval_name,
    cst.Attribute: ExpressionsMixin.eval_attribute,
    cst.Call: ExpressionsMixin.eval_call,
    cst.Subscript: ExpressionsMixin.eval_subscript,
    cst.List: ExpressionsMixin.eval_sequence,
    cst.Tuple: ExpressionsMixin.eval_sequence,
    cst.Set: ExpressionsMixin.eval_set,
    cst.Dict: ExpressionsMixin.eval_dict,
    cst.ListComp: ExpressionsMixin.eval_comprehension,
    cst.GeneratorExp: ExpressionsMixin.eval_comprehension,
    cst.SetComp: ExpressionsMixin.eval_comprehension,
    cst.DictComp: ExpressionsMixin.eval_comprehension,
    cst.Lambda: ExpressionsMixin.eval_lambda,
    cst.SimpleString: ExpressionsMixin.eval_string,
    cst.ConcatenatedString: ExpressionsMixin.eval_string,
    cst.FormattedString: ExpressionsMixin.eval_string,
    cst.Integer: ExpressionsMixin.eval_number,
    cst.Float: ExpressionsMixin.eval_number,
    cst.Imaginary: ExpressionsMixin.eval_number,
    cst.BinaryOperation: ExpressionsMixin.eval_binary,
    cst.UnaryOperation: ExpressionsMixin.eval_unary,
    cst.BooleanOperation: ExpressionsMixin.eval_boolean,
    cst.Comparison: ExpressionsMixin.eval_compare,
    cst.IfExp: ExpressionsMixin.eval_ifexp,
    cst.NamedExpr: ExpressionsMixin.eval_named,
    cst.Await: ExpressionsMixin.eval_await,
    cst.Yield: ExpressionsMixin.eval_yield,
}
