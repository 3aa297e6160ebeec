"""Mutation operators for numpy code that cosmic-ray lacks (bench/mutation.py runs both).

Each mutant is one change to a module's syntax tree, written back with ast.unparse:
- drop_keyword: a numpy call loses `axis`, `keepdims` or `dtype`;
- other_axis: a reduction over another axis (axis=1 -> 0, 0 -> 1, -1 -> 0), or over one axis
  where it took the whole array;
- inplace_to_copy / copy_to_inplace: `x -= y` <-> `x = x - y`;
- drop_copy: `x.copy()` or `np.copy(x)` -> `x`;
- constant: a float constant below 1 (1e-7, 1e-4, 0.5, 0.01) ten times larger or smaller;
- loop_bound: `range(n)` -> `range(n - 1)` and `range(n + 1)`.
"""
from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from typing import Callable, Iterator

KEYWORDS = ("axis", "keepdims", "dtype")
REDUCTIONS = ("sum", "max", "min", "mean", "argmax", "argmin", "prod")


@dataclass
class Mutant:
    operator: str
    occurrence: int
    line: int
    before: str
    after: str
    source: str


def _is_reduction(node: ast.Call) -> bool:
    return isinstance(node.func, ast.Attribute) and node.func.attr in REDUCTIONS


def _changes(node: ast.AST) -> Iterator[tuple[str, Callable[[ast.AST], ast.AST]]]:
    """(operator, a function making the mutated node from a copy) for one node."""
    if isinstance(node, ast.Call):
        for i, keyword in enumerate(node.keywords):
            if keyword.arg in KEYWORDS:
                yield "drop_keyword", lambda n, i=i: _set(n, keywords=n.keywords[:i]
                                                          + n.keywords[i + 1:])
            axis = _int(keyword.value) if keyword.arg == "axis" else None
            if axis is not None:
                yield "other_axis", lambda n, i=i, o=1 if axis == 0 else 0: _set_axis(n, i, o)
        if _is_reduction(node) and not any(k.arg == "axis" for k in node.keywords) \
                and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "np"
                         and len(node.args) > 1):
            yield "other_axis", lambda n: _set(n, keywords=n.keywords + [
                ast.keyword("axis", ast.Constant(0))])
        if isinstance(node.func, ast.Attribute) and node.func.attr == "copy" and not node.args:
            yield "drop_copy", lambda n: n.func.value if not _is_np(n.func.value) else n
        if isinstance(node.func, ast.Name) and node.func.id == "range" and node.args:
            for delta, op in ((1, ast.Sub()), (1, ast.Add())):
                yield "loop_bound", lambda n, op=op: _set(n, args=n.args[:-1] + [
                    ast.BinOp(n.args[-1], op, ast.Constant(1))])
    if isinstance(node, ast.Call) and _is_np_call(node, "copy") and node.args:
        yield "drop_copy", lambda n: n.args[0]
    if isinstance(node, ast.AugAssign):
        yield "inplace_to_copy", lambda n: ast.Assign(
            [n.target], ast.BinOp(_load(n.target), n.op, n.value), lineno=n.lineno)
    if isinstance(node, ast.Assign) and len(node.targets) == 1 \
            and isinstance(node.value, ast.BinOp) \
            and ast.dump(_load(node.targets[0])) == ast.dump(node.value.left):
        yield "copy_to_inplace", lambda n: ast.AugAssign(n.targets[0], n.value.op, n.value.right,
                                                         lineno=n.lineno)
    if isinstance(node, ast.Constant) and isinstance(node.value, float) \
            and 0 < abs(node.value) < 1:
        for factor in (10.0, 0.1):
            yield "constant", lambda n, f=factor: ast.Constant(n.value * f)


def _int(node: ast.AST) -> int | None:
    """The int a node spells (`1`, `-1`), or None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _int(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _is_np(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "np"


def _is_np_call(node: ast.Call, name: str) -> bool:
    return isinstance(node.func, ast.Attribute) and node.func.attr == name \
        and _is_np(node.func.value)


def _load(target: ast.AST) -> ast.AST:
    loaded = copy.deepcopy(target)
    for child in ast.walk(loaded):
        if hasattr(child, "ctx"):
            child.ctx = ast.Load()
    return loaded


def _set(node, **fields):
    for name, value in fields.items():
        setattr(node, name, value)
    return node


def _set_axis(node: ast.Call, index: int, value: int) -> ast.Call:
    node.keywords[index].value = ast.Constant(value)
    return node


def _replace(tree: ast.AST, index: int, make) -> tuple[ast.AST, str, str]:
    """A copy of tree with its index-th node (in ast.walk order) replaced by make(copy)."""
    mutated = copy.deepcopy(tree)
    nodes = list(ast.walk(mutated))
    target = nodes[index]
    before = ast.unparse(target)
    for parent in nodes:
        for field, value in ast.iter_fields(parent):
            if value is target:
                new = make(target)
                setattr(parent, field, new)
                return mutated, before, ast.unparse(new)
            if isinstance(value, list) and any(v is target for v in value):
                new = make(target)
                value[[i for i, v in enumerate(value) if v is target][0]] = new
                return mutated, before, ast.unparse(new)
    raise ValueError("node without a parent")


def mutants(source: str) -> Iterator[Mutant]:
    """Every mutant of a module's source that changes its code."""
    tree = ast.parse(source)
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    inside = {id(n) for f in functions for n in ast.walk(f)}
    baseline = ast.unparse(tree)
    counts: dict[str, int] = {}  # per operator, in tree order: stable when lines move
    for index, node in enumerate(ast.walk(tree)):
        if id(node) not in inside:
            continue
        for operator, make in list(_changes(node)):
            mutated, before, after = _replace(tree, index, make)
            ast.fix_missing_locations(mutated)
            text = ast.unparse(mutated)
            if text == baseline:
                continue
            line = getattr(node, "lineno", 0)
            occurrence = counts.get(operator, 0)
            counts[operator] = occurrence + 1
            yield Mutant(operator, occurrence, line, before, after, text + "\n")
