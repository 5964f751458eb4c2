"""The `final_answer` check: the answer's conclusion is equivalent to the reference, by sympy and random points."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import field_validator

from grader.read import reading as rd
from grader.checks.base import Assumption, Check, CheckContext, CheckOutcome, Params, Verdict, sibling_params
from grader.grading.results import Finding, Severity

if TYPE_CHECKING:  # for types only: the math layer is imported when a check runs
    from grader.math.verdict import Verdict as MathVerdict

Form = TypeVar("Form")  # what the comparator compares with: the reference's LaTeX, or a pack's fingerprint


class FinalAnswerParams(Params):
    expected: str  # LaTeX of the reference: an expression (with `target`) or a whole relation
    target: str | tuple[str, ...] | None = None  # LaTeX of what the answer gives ("\\lambda"), or its several names
    relation: tuple[str, ...] = ("=",)  # how the target must be related to the result: "=", "<=", "<", ">=", ">"
    alternatives: tuple[str, ...] = ()  # other accepted forms (e.g. the other sign convention)
    assume: tuple[Assumption, ...] = ()  # plain-text assumptions: "delta >= 0", "gamma > 0"
    aliases: dict[str, str] = {}  # the student's symbol -> the rubric's, where the handout allows both: {"x": "X"}

    @field_validator("aliases")
    @classmethod
    def _aliases_are_math(cls, aliases: dict[str, str]) -> dict[str, str]:
        """Each side of an alias must be math the reader reads, said at load time rather than skipped later."""
        from grader.math import MathError, parse

        for student, rubric in aliases.items():
            for side in (student, rubric):
                try:
                    parse(side)
                except (MathError, RecursionError) as exc:
                    raise ValueError(f"alias {student!r}: {rubric!r}: {side!r} is not readable math ({exc})") from None
        return aliases


def read_candidates(ctx: CheckContext, p: FinalAnswerParams) -> list[rd.Side]:
    """What the student offers as the answer, in reading order: sides of relations about `target` (and relations
    that hold it, solved for it where they are linear in it), or whole relations with their chains' links; each
    with the readings that also count (the answer's own definitions substituted, the rubric's aliases applied).
    The check and a self-check pack read it so alike."""
    all_sides = ctx.reading.sides
    if p.target is None:
        seen, out = set(), []
        for group in ctx.reading.groups:
            s = group[0]
            key = (s.relation, s.line)
            if key not in seen:
                seen.add(key)
                out.append(rd.Side(s.relation, s.line, 0, 1, s.relation, mark=s.mark,
                                   alternatives=_links(group)))
        return _with_readings(ctx, p, out)
    targets = (p.target,) if isinstance(p.target, str) else p.target
    allowed = {rd.relation_symbol(r) for r in p.relation}
    out = []
    for group in ctx.reading.groups:
        if len(group) < 2:
            continue
        # the target as written (`\lambda`), not any side that happens to have its value
        is_target = [any(ctx.reading.same_quantity(s.latex, t) for t in targets) for s in group]
        ops = [rd.relation_symbol(o) for o in group[0].ops]
        for j, side in enumerate(group):
            if is_target[j]:
                continue
            # a result is linked to a target through relations of the asked kind only (`b \le m` is not `b = m`)
            if any(is_target[i] and all(op in allowed for op in ops[min(i, j):max(i, j)]) for i in range(len(group))):
                out.append(side)
    if "=" in allowed:
        out = sorted(out + _solved(ctx, targets, all_sides), key=lambda s: s.line)
    return _with_readings(ctx, p, out)


def _links(group: Sequence[rd.Side]) -> tuple[tuple[str, str], ...]:
    """Each link of a chain `a = b \\le c` that the chain implies, as a relation of its own (`a = b`, `b \\le c`,
    `a \\le c`)."""
    if len(group) < 3:
        return ()
    ops = [rd.relation_symbol(o) for o in group[0].ops]
    out = []
    for i in range(len(group)):
        for j in range(i + 1, len(group)):
            between = set(ops[i:j])
            if between <= {"="}:
                op = "="
            elif between <= {"=", "<=", "<"}:
                op = "<" if "<" in between else "<="
            elif between <= {"=", ">=", ">"}:
                op = ">" if ">" in between else ">="
            else:
                continue
            if (i, j) != (0, len(group) - 1) or op != "=" or len(group) > 2:
                out.append((f"{group[i].latex} {_LATEX_OP[op]} {group[j].latex}",
                            f"the link of the chain at line {group[0].line}"))
    return tuple(out)


_LATEX_OP = {"=": "=", "<=": "\\le", "<": "<", ">=": "\\ge", ">": ">"}


def _solved(ctx: CheckContext, targets: Sequence[str], sides: Sequence[rd.Side]) -> list[rd.Side]:
    """The relations that hold the target inside a side (`-\\Delta\\theta_t = ...`, `2\\lambda = 1 - p`), solved
    for it where they are linear in it: a statement of the target's value in another form."""
    from grader.math import MathError, parse
    from grader.math.printer import Unprintable, to_latex
    from grader.math.solve import solve_linear

    nodes = []
    for t in targets:
        try:
            nodes.append((t, parse(t).root))
        except (MathError, RecursionError):
            continue
    if not nodes:
        return []
    marks: dict[int, rd.Mark] = {}
    for s in sides:
        marks.setdefault(s.line, s.mark)
    out = []
    for st in ctx.reading.statements:
        if st.conditional and not st.setting:
            continue  # a hypothesis ("if $2\lambda = 1$") states nothing; a case it names does, as its sides do
        for link in st.links:
            if link.op != "=":
                continue
            for written, node in nodes:
                if link.lhs == node or link.rhs == node:
                    continue  # the target alone on a side: read as a side already
                solved = solve_linear(link.lhs, link.rhs, node)
                if solved is None:
                    continue
                try:
                    latex = to_latex(solved)
                except (Unprintable, RecursionError):
                    continue
                out.append(rd.Side(latex, st.line, 0, 1, st.latex, mark=marks.get(st.line, rd.Mark()),
                                   reading=f"solved for {written} from line {st.line}"))
                break
    return out


def _with_readings(ctx: CheckContext, p: FinalAnswerParams, candidates: list[rd.Side]) -> list[rd.Side]:
    """Each candidate with the readings that also state it: the answer's own definitions ("where
    $\\lambda = ...$") substituted, the rubric's declared aliases applied."""
    from grader.math import MathError, parse
    from grader.math.printer import Unprintable
    from grader.math.solve import substitute

    aliases = []
    for student, rubric in (getattr(p, "aliases", None) or {}).items():
        try:
            aliases.append((parse(student).root, parse(rubric).root, f"{student} read as {rubric}"))
        except (MathError, RecursionError):
            continue
    targets = () if p.target is None else (p.target,) if isinstance(p.target, str) else p.target
    # the rubric's symbols: its forms where the check holds them (a self-check pack holds only the target)
    forms = (getattr(p, "expected", None), *getattr(p, "alternatives", ()), *(getattr(p, "aliases", None) or {}).values())
    definitions = new_definitions(ctx.reading.definitions, (*targets, *(f for f in forms if f)))
    if not aliases and not definitions:
        return candidates
    out = []
    for cand in candidates:
        try:
            root = parse(cand.latex).root
        except (MathError, RecursionError):
            out.append(cand)
            continue
        # definitions stated elsewhere in the answer (not the candidate's own), substituted until none is left
        own = [(name, value, f"{rd_latex} (line {line}) substituted")
               for name, value, line, rd_latex in definitions if line != cand.line or rd_latex not in cand.relation]
        readings = []
        for changes in (own, aliases, own + aliases):
            if not changes:
                continue
            node, used = root, []
            for _ in range(3):  # a definition may use another
                before = node
                for name, value, how in changes:
                    after = substitute(node, {name: value})
                    if after != node and how not in used:
                        used.append(how)
                    node = after
                if node == before:
                    break
            if node == root:
                continue
            try:
                readings.append((_written(node), "; ".join(used)))
            except (Unprintable, RecursionError):
                continue
        out.append(replace(cand, alternatives=cand.alternatives + tuple(r for r in readings
                                                                       if r not in cand.alternatives)))
    return out


def new_definitions(definitions: Sequence[tuple[Any, Any, int, str]], rubric: Sequence[str]
                    ) -> list[tuple[Any, Any, int, str]]:
    """The answer's definitions that name a new symbol: not the asked quantity or a symbol of the rubric's forms
    (`rubric`, LaTeX). "Write $\\lambda = 2\\eta\\gamma$" with λ asked is the answer, not a name to substitute,
    and "$\\eta = \\epsilon$ for the step size" names η (ε is the rubric's); one reading per formula."""
    from grader.math import MathError, parse
    from grader.math import nodes as N

    known: set[Any] = set()
    for latex in rubric:
        try:
            root = parse(latex).root
        except (MathError, RecursionError):
            continue
        known.update(n for n in N.walk(root) if isinstance(n, N.Sym))
        known.add(root)  # the target itself, whatever its shape (\\hat{f}_{x_0}(x_1))
    out, taken = [], set()
    for name, value, line, latex in definitions:
        if name in known or (line, latex) in taken:
            continue
        taken.add((line, latex))
        out.append((name, value, line, latex))
    return out


def _written(node: Any) -> str:
    """LaTeX the math reader reads back as `node`: an expression, or a relation side by side (no target)."""
    from grader.math import nodes as N
    from grader.math.printer import Unprintable, to_latex

    if isinstance(node, N.Relation):
        if node.op not in _LATEX_OP:
            raise Unprintable(f"relation {node.op}")
        return f"{_written(node.lhs)} {_LATEX_OP[node.op]} {_written(node.rhs)}"
    return to_latex(node)


def _never(reason: str) -> bool:
    return False


@dataclass(frozen=True)
class _Judged:
    """One candidate's comparison with the accepted forms."""

    verdict: str  # "equivalent", "different", "unknown" or "unheld" (matches no held form, some forms not held)
    reason: str = ""
    how: str = ""  # the reading that matched, when not the statement as written


def _judge(cand: rd.Side, forms: Sequence[Form | None], compare: Callable[[str, Form], MathVerdict]) -> _Judged:
    unknown = ""
    for latex, how in ((cand.latex, cand.reading), *((a, h if not cand.reading else f"{cand.reading}; {h}")
                                                      for a, h in cand.alternatives)):
        for form in forms:
            if form is None:
                continue
            v = compare(latex, form)
            if v.verdict == "equivalent":
                return _Judged("equivalent", how=how)
            if v.verdict == "unknown" and not unknown and latex == cand.latex:
                unknown = v.reason
    if unknown:
        return _Judged("unknown", unknown)
    if any(form is None for form in forms):
        return _Judged("unheld")
    return _Judged("different")


def _accepted(label: str, cand: rd.Side, how: str, note: str = "") -> CheckOutcome:
    said = f" ({how})" if how else ""
    message = f"{label}: found at line {cand.line}." if not how else f"{label}: found at line {cand.line}; accepted: {how}."
    return CheckOutcome(Verdict.PASS, f"{label}: stated at line {cand.line}{said}",
                        (Finding("final_answer", message + (f" {note}" if note else ""), cand.line, cand.line,
                                 Severity.INFO),), details={"line": cand.line})


def decide(ctx: CheckContext, candidates: Sequence[rd.Side], forms: Sequence[Form | None],
           compare: Callable[[str, Form], MathVerdict],
           undecided: Callable[[str | None], CheckOutcome] | None = None,
           limit: Callable[[str], bool] = _never,
           others: Sequence[Sequence[Form | None]] = ()) -> CheckOutcome:
    """The verdict from the answer's conclusion about the asked quantity, compared with every accepted form.

    With a `target`, the conclusion decides (`rd.conclusion`: the last statement marked as the answer, else the
    last general one); earlier statements are steps, named in the finding where they differ from it; two
    statements each marked as the answer that disagree go to a person. Without one, the answer's relations are
    not about one quantity, so any stated relation that matches counts; so too for a `claim` or an `item`, which
    ask for a step on the way.

    `compare(latex, form)` compares a result with one form: the reference itself in grading, its fingerprint in a
    self-check pack. A None form is one the comparator does not hold. `others` are the forms of the question's
    other checks about the same target (`sibling_forms`): a statement that matches one of them is about that
    check's quantity, and never this one's conclusion. Where the comparator's limits rather than
    the answer leave the result open, `undecided` gives the outcome: called with the first `unknown` reason that
    `limit` marks as such a limit, or with None when no held form matched and some forms are not held."""
    label = ctx.label or "final answer"
    if not candidates:
        what = "no statement about the asked quantity" if getattr(ctx.params, "target", None) else "no math"
        return CheckOutcome(Verdict.UNKNOWN, f"{label}: {what} found in the answer",
                            (Finding("final_answer", f"{label}: the grader found {what} to compare; "
                                     "write the result as an equation.", ctx.answer.line, ctx.answer.end_line,
                                     Severity.WARNING),))
    judged: dict[int, _Judged] = {}

    def judge(i: int) -> _Judged:
        if i not in judged:
            judged[i] = _judge(candidates[i], forms, compare)
        return judged[i]

    # the `answer` is the conclusion; a `claim` or an `item` asks that the answer state something on the way (an
    # expanded form, a characterisation a proof passes through): any statement of it counts, as without a target
    asked = getattr(ctx.params, "target", None) is not None and ctx.role == "answer"
    if not asked:
        order = list(reversed(range(len(candidates))))  # the last statement first; any that matches counts
        hit = next((i for i in order if judge(i).verdict == "equivalent"), None)
        if hit is not None:
            return _accepted(label, candidates[hit], judge(hit).how)
        return _not_right(label, candidates, [judge(i) for i in range(len(candidates))], forms, undecided, limit)

    # a statement equal to what a sibling check asks of the same target (another rule for the same symbol) is
    # about that check's quantity, not this one's
    own = [i for i in range(len(candidates))
           if judge(i).verdict == "equivalent" or not any(_judge(candidates[i], f, compare).verdict == "equivalent"
                                                          for f in others)] if others else list(range(len(candidates)))
    # a relation solved for the target reads as a statement of it only after the last one written directly:
    # `\alpha = -\beta` beside `\beta = \sqrt{3/d}` is about α
    direct = [candidates[i].line for i in own if not candidates[i].reading]
    own = [i for i in own if not candidates[i].reading or not direct or candidates[i].line > max(direct)]
    if not own:
        return _not_right(label, candidates, [judge(i) for i in range(len(candidates))], forms, undecided, limit)
    # the statements of one line are read together, as a chain's sides are: a line that states the target more
    # than once lists cases or forms ("in the first case ..., in the second ..."); a correction starts a new line
    statement = [candidates[i].line for i in own]
    chosen = rd.conclusion([candidates[i].mark for i in own], statement)

    def verdict_of(k: int) -> tuple[int, _Judged]:
        """A line's verdict: a chain `x = a = b` states x in each of its sides, and any of them may match."""
        members = [own[j] for j in range(len(own)) if statement[j] == statement[k]]
        hit = next((i for i in reversed(members) if judge(i).verdict == "equivalent"), None)
        if hit is not None:
            return hit, judge(hit)
        read = [i for i in members if judge(i).verdict != "unknown"]
        last = read[-1] if read else members[-1]
        return last, judge(last)

    at, v = verdict_of(chosen.final)
    final = candidates[at]
    if v.verdict in ("equivalent", "different"):
        against = "different" if v.verdict == "equivalent" else "equivalent"
        rival = next((verdict_of(k)[0] for k in chosen.rivals if verdict_of(k)[1].verdict == against), None)
        if rival is not None:  # two statements each marked as the answer, one right and one not
            first, second = sorted((candidates[rival], final), key=lambda c: c.line)
            message = (f"{label}: the answer is stated twice, differently (lines {first.line} and {second.line}); "
                       "a person decides which one is meant.")
            return CheckOutcome(Verdict.REVIEW, f"{label}: two different final answers (lines {first.line} and "
                                f"{second.line})", (Finding("final_answer", message, first.line, second.line,
                                                            Severity.WARNING),), fraction=0.5,
                                details={"line": final.line, "lines": [first.line, second.line]})
    if v.verdict == "equivalent":
        return _accepted(label, final, v.how)
    # the conclusion is not right, or not readable: an earlier right statement is a step, named in the finding
    earlier = next((verdict_of(k)[0] for k in chosen.steps if statement[k] != statement[chosen.final]
                    and verdict_of(k)[1].verdict == "equivalent"), None)
    if v.verdict == "unknown" and earlier is not None:
        return _accepted(label, candidates[earlier], judge(earlier).how,
                         f"The statement at line {final.line} could not be read ({v.reason}).")
    if v.verdict == "different" and earlier is not None:
        right = candidates[earlier]
        where = f"the form stated at line {right.line}" if right.line != final.line else "an earlier form on that line"
        message = (f"{label}: the result concluded at line {final.line} is not right; {where} was, but the "
                   "conclusion is what counts.")
        return CheckOutcome(Verdict.FAIL, f"{label}: the conclusion at line {final.line} is not right",
                            (Finding("final_answer", message, min(right.line, final.line),
                                     max(right.line, final.line), Severity.ERROR),),
                            details={"line": final.line, "earlier": right.line})
    return _not_right(label, [final], [v], forms, undecided, limit)


def _not_right(label: str, candidates: Sequence[rd.Side], verdicts: Sequence[_Judged], forms: Sequence[object],
               undecided: Callable[[str | None], CheckOutcome] | None, limit: Callable[[str], bool]) -> CheckOutcome:
    """When no candidate matched: unknown if none could be compared, open where the comparator lacks forms,
    else the last one is not right."""
    last = candidates[-1]
    unknown_reasons = [f"line {c.line}: {v.reason}" for c, v in zip(candidates, verdicts) if v.verdict == "unknown"]
    if unknown_reasons and len(unknown_reasons) >= len(candidates):
        limited = next((r for r in unknown_reasons if limit(r)), None)
        if undecided is not None and limited is not None:
            return undecided(limited)
        return CheckOutcome(Verdict.UNKNOWN, f"{label}: could not compare ({unknown_reasons[0]})",
                            (Finding("final_answer", f"{label}: the grader could not read the result "
                                     f"({unknown_reasons[0]}).", last.line, last.line, Severity.WARNING),))
    if undecided is not None and any(form is None for form in forms):
        return undecided(None)
    return CheckOutcome(Verdict.FAIL, f"{label}: no stated result matches",
                        (Finding("final_answer", f"{label}: the result stated at line {last.line} is not right.",
                                 last.line, last.line, Severity.ERROR),))


def sibling_forms(ctx: CheckContext, kind: str, forms_of: Callable[[Any], Sequence[Form | None]]) -> list[Sequence[Form | None]]:
    """The accepted forms of the question's other checks of this kind that ask about the same target: two
    rules for the same symbol (the momentum rule and the running average, each for Δθ_t) are told apart by
    their values, so that each check concludes from its own."""
    return [forms_of(o) for o in sibling_params(ctx, kind, lambda q: getattr(q, "target", None))]


class FinalAnswerCheck(Check):
    name = "final_answer"
    Params = FinalAnswerParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        from grader.math import equivalent

        p: FinalAnswerParams = ctx.params  # type: ignore[assignment]
        candidates = read_candidates(ctx, p)
        others = sibling_forms(ctx, self.name, lambda o: (o.expected, *o.alternatives))
        return decide(ctx, candidates, (p.expected, *p.alternatives),
                      lambda latex, ref: equivalent(latex, ref, p.assume, ctx.notation), others=others)


CHECK = FinalAnswerCheck
