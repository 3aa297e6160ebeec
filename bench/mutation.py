"""Mutation testing of the suites: each mutant of solutions/ must lose points.

Two sources of mutants, judged by the same test: a copy of solutions/ with one mutant in one
module is graded for real (`grade run IDS --hidden --skip-final`, the module's exercises only),
and the mutant is killed when it scores below full marks.
- cosmic-ray (a maintained mutation tool) for Python's own operators: arithmetic and comparison
  operators, numbers, booleans, `break`/`continue`, unary operators...
- bench/numpy_mutants.py for what cosmic-ray lacks on numpy code: a keyword argument of a numpy
  call dropped (axis, keepdims, dtype), a reduction over another axis, an in-place update made a
  copy and the reverse, a copy dropped, a small constant made ten times larger or smaller, a
  loop bound off by one.
With --strategies it grades the second corpus instead, whole wrong strategies
(tests/strategies/, bench/strategy_table.py): the laziest code that might score without doing
the work, each caught when it scores below full marks.
Mutants listed in bench/mutation_equivalent.toml are equivalent (no code can tell them apart);
the score is killed / (all - equivalent). Run through bench/mutation; writes
bench/mutation-results.txt, which bench/MUTATION.md quotes.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from grader import manifest  # noqa: E402
from numpy_mutants import mutants as numpy_mutants  # noqa: E402

# Operators whose mutants no float code here can meet (bit shifts and bitwise logic on floats
# raise at once) are left out: they would only pad the score.
EXCLUDED = [r"core/ReplaceBinaryOperator_.*_(RShift|LShift|BitOr|BitAnd|BitXor)",
            r"core/ReplaceBinaryOperator_(RShift|LShift|BitOr|BitAnd|BitXor)_.*"]


def exercises_of(module: str) -> list[manifest.Exercise]:
    return [e for e in manifest.EXERCISES if e.module == module]


def graded_lines(module: str) -> set[int]:
    """The lines of the module's graded definitions (the manifest's names), less the functions
    and methods the stub already gives whole (TwoLayerNet.gradient; helpers such as
    mnist_inference's get_data): those are not the student's to write, so not mutated."""
    import ast

    def definitions(tree):
        return {node.name: node for node in ast.walk(tree)
                if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    solution = ast.parse((ROOT / "solutions" / module).read_text(encoding="utf-8"))
    stub = definitions(ast.parse((ROOT / "exercises" / module).read_text(encoding="utf-8")))
    names = {n for e in exercises_of(module) for n in e.names}
    lines = {line for node in solution.body if getattr(node, "name", None) in names
             for line in range(node.lineno, node.end_lineno + 1)}
    for name, node in definitions(solution).items():
        given = stub.get(name)
        if isinstance(node, ast.FunctionDef) and given is not None \
                and ast.dump(given) == ast.dump(node):
            lines -= set(range(node.lineno, node.end_lineno + 1))
    return lines


def test_command(module: str, target: Path, scratch: Path) -> list[str]:
    """`grade run` on the module's exercises; exit 0 only with full marks."""
    chosen = exercises_of(module)
    full = sum(e.points for e in chosen)
    return [sys.executable, "-m", "grader.cli", "run", *[e.id for e in chosen], "--target",
            str(target), "--hidden", "--skip-final", "--timeout", "20", "--fail-under",
            str(full - 0.001), "--format", "json", "--output", str(scratch / "results.json")]


def _cosmic_ray(module: str, work: Path) -> list[dict]:
    """Every cosmic-ray mutant of one module, each graded."""
    target = _fresh_copy(work)
    command = " ".join(test_command(module, target, work))
    config = work / "cosmic-ray.toml"
    config.write_text(
        f'[cosmic-ray]\nmodule-path = "{target / module}"\ntimeout = 300.0\n'
        f"excluded-modules = []\ntest-command = {json.dumps(command)}\n\n"
        f'[cosmic-ray.distributor]\nname = "local"\n\n'
        f"[cosmic-ray.filters.operators-filter]\nexclude-operators = {json.dumps(EXCLUDED)}\n",
        encoding="utf-8")
    session = work / "session.sqlite"
    bin_dir = Path(sys.executable).parent
    steps = [["cosmic-ray", "exec", str(config), str(session)]]
    if not session.exists():  # else resume it: exec runs only the mutants not yet graded
        steps[:0] = [["cosmic-ray", "init", str(config), str(session)],
                     ["cr-filter-operators", str(session), str(config)]]
    for step in steps:
        subprocess.run([str(bin_dir / step[0]), *step[1:]], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from cosmic_ray.work_db import WorkDB, use_db
    found = []
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            mutation = item.mutations[0]
            outcome = result.test_outcome.value if result.test_outcome else result.worker_outcome.value
            if result.worker_outcome.value == "skipped":
                continue
            found.append({"module": module, "tool": "cosmic-ray",
                          "operator": mutation.operator_name,
                          "occurrence": mutation.occurrence, "line": mutation.start_pos[0],
                          "diff": "".join(line for line in (result.diff or "").splitlines(True)
                                          if line[:1] in "+-" and line[:3] not in ("+++", "---")
                                          ).strip(),
                          "killed": outcome in ("killed", "incompetent")})
            if not found[-1]["killed"]:  # kept, to grade it again after checks are added
                found[-1]["source"] = _cosmic_ray_source(module, mutation)
    return found


def _cosmic_ray_source(module: str, mutation) -> str:
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.plugins import get_operator
    kind = get_operator(mutation.operator_name)
    try:
        operator = kind()
    except TypeError:  # some operators take the Python version they mutate for
        operator = kind(None)
    original = (ROOT / "solutions" / module).read_text(encoding="utf-8")
    return mutate_code(original, operator, mutation.occurrence)


def _fresh_copy(work: Path) -> Path:
    """solutions/ copied anew into work (a run stopped midway may have left a mutant there)."""
    target = work / "solutions"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(ROOT / "solutions", target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _numpy(module: str, work: Path) -> list[dict]:
    target = _fresh_copy(work)
    original = (ROOT / "solutions" / module).read_text(encoding="utf-8")
    found = []
    for mutant in numpy_mutants(original):
        (target / module).write_text(mutant.source, encoding="utf-8")
        done = subprocess.run(test_command(module, target, work), cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        found.append({"module": module, "tool": "numpy", "operator": mutant.operator,
                      "occurrence": mutant.occurrence, "line": mutant.line,
                      "diff": f"- {mutant.before}\n+ {mutant.after}",
                      "killed": done.returncode != 0, "source": mutant.source})
    return found


def _source_of(mutant: dict) -> str:
    """A mutant's whole module, made again from its operator and occurrence."""
    if mutant["tool"] == "cosmic-ray":
        from types import SimpleNamespace
        return _cosmic_ray_source(mutant["module"], SimpleNamespace(
            operator_name=mutant["operator"], occurrence=mutant["occurrence"]))
    original = (ROOT / "solutions" / mutant["module"]).read_text(encoding="utf-8")
    return next(m.source for m in numpy_mutants(original)
                if (m.operator, m.occurrence) == (mutant["operator"], mutant["occurrence"]))


def recheck(mutants: list[dict]) -> None:
    """Grade every survivor again with the suites as they are now (checks added since)."""
    work = Path(tempfile.mkdtemp(prefix="dlfs-recheck-"))
    try:
        target = _fresh_copy(work)
        for mutant in mutants:
            if mutant["killed"]:
                continue
            mutant.setdefault("source", _source_of(mutant))
            module = target / mutant["module"]
            module.write_text(mutant["source"], encoding="utf-8")
            done = subprocess.run(test_command(mutant["module"], target, work), cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            mutant["killed"] = done.returncode != 0
            shutil.copy2(ROOT / "solutions" / mutant["module"], module)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _key(mutant: dict) -> str:
    """Names a mutant across edits that move lines (docstrings): the operator's occurrence."""
    return f"{mutant['module']}:{mutant['operator']}:{mutant['occurrence']}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules under solutions/ (default: all)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path,
                        help="the report (default bench/mutation-results.txt, or "
                             "bench/strategy-results.txt with --strategies)")
    parser.add_argument("--work", type=Path,
                        help="a folder to keep the sessions in; a second run with it resumes")
    parser.add_argument("--recheck", type=Path, metavar="RAW_JSON",
                        help="grade the survivors of an earlier run (its .json) again, after "
                             "checks were added, and report")
    parser.add_argument("--strategies", action="store_true",
                        help="grade the second corpus instead: whole wrong strategies "
                             "(tests/strategies/), per exercise caught or survived")
    args = parser.parse_args()
    if args.strategies:
        from strategy_table import run as run_strategies
        return run_strategies(args.out or HERE / "strategy-results.txt")
    args.out = args.out or HERE / "mutation-results.txt"
    modules = args.modules or manifest.modules()
    equivalent = tomllib.loads((HERE / "mutation_equivalent.toml").read_text())["equivalent"]
    if args.recheck:
        mutants = json.loads(args.recheck.read_text(encoding="utf-8"))
        recheck(mutants)
        args.recheck.write_text(json.dumps(mutants, indent=1), encoding="utf-8")
        return _report_in_scope(mutants, equivalent, args.out)
    scratch = args.work or Path(tempfile.mkdtemp(prefix="dlfs-mutation-"))
    tasks = [(kind, m) for m in modules for kind in (_cosmic_ray, _numpy)]

    def run(task):
        kind, module = task
        work = scratch / f"{kind.__name__}-{module.replace('/', '-')}"
        work.mkdir(parents=True, exist_ok=True)
        return kind(module, work)
    try:
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            mutants = [m for found in pool.map(run, tasks) for m in found]
        with open(args.out.with_suffix(".json"), "w", encoding="utf-8") as raw:
            json.dump(mutants, raw, indent=1)
    finally:
        if args.work is None:
            shutil.rmtree(scratch, ignore_errors=True)
    return _report_in_scope(mutants, equivalent, args.out)


def _report_in_scope(mutants: list[dict], equivalent: dict[str, str], out: Path) -> int:
    scopes = {m: graded_lines(m) for m in {m["module"] for m in mutants}}
    return report([m for m in mutants if m["line"] in scopes[m["module"]]], equivalent, out,
                  outside=sum(m["line"] not in scopes[m["module"]] for m in mutants))


def report(mutants: list[dict], equivalent: dict[str, str], out: Path, outside: int = 0) -> int:
    lines = [f"(left out: {outside} mutants of code the stubs give whole, outside the graded functions)"]
    total = killed = same = 0
    survivors = []
    for module in dict.fromkeys(m["module"] for m in mutants):
        mine = [m for m in mutants if m["module"] == module]
        k = sum(m["killed"] for m in mine)
        e = sum(not m["killed"] and _key(m) in equivalent for m in mine)
        lines.append(f"{module:<26} mutants {len(mine):4d}  killed {k:4d}  equivalent {e:3d}  "
                     f"survived {len(mine) - k - e:3d}")
        total, killed, same = total + len(mine), killed + k, same + e
        survivors += [m for m in mine if not m["killed"] and _key(m) not in equivalent]
    score = killed / max(total - same, 1)
    lines.append(f"{'all':<26} mutants {total:4d}  killed {killed:4d}  equivalent {same:3d}  "
                 f"survived {total - killed - same:3d}  score {100 * score:.1f} %")
    lines.append("")
    lines += [f"survivor {_key(m)} (line {m['line']})\n    {m['diff'].replace(chr(10), chr(10) + '    ')}"
              for m in survivors]
    lines += [f"equivalent {key}: {why}" for key, why in equivalent.items()]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0 if score >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
