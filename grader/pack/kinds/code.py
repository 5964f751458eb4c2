"""`pack_code`: what can be checked of a code answer without the reference: it parses and defines the function."""

from __future__ import annotations

import ast

from grader.checks.base import Check, CheckContext, CheckOutcome, Verdict
from grader.checks.code.extract import find_code
from grader.pack.kinds.base import PackParams, not_checked
from grader.grading.results import Finding, Severity


class PackCodeParams(PackParams):
    function: str  # public: the name the handout asks for
    args: tuple[str, ...] = ()  # public: the parameter names, in order


class PackCodeCheck(Check):
    name = "pack_code"
    Params = PackCodeParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: PackCodeParams = ctx.params  # type: ignore[assignment]
        label = ctx.label or "code"
        files = getattr(ctx.document, "files", {}) or {}
        code = find_code(ctx.answer.lines, ctx.answer.line_numbers, files, p.function)
        if code is None:
            return CheckOutcome(Verdict.FAIL, f"{label}: no python code found",
                                (Finding("code_missing", f"{label}: no fenced python block or .py file defines "
                                         f"`{p.function}`.", ctx.answer.line, ctx.answer.end_line,
                                         Severity.ERROR),))
        try:  # parsed only, never run: the pack has no reference to run it against
            tree = ast.parse(code.source)
        except SyntaxError as exc:
            return CheckOutcome(Verdict.FAIL, f"{label}: the code does not parse",
                                (Finding("code_syntax", f"{label}: syntax error: {exc.msg}", code.line(exc.lineno),
                                         code.line(exc.lineno), Severity.ERROR),))
        defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                and n.name == p.function]
        if not defs:
            return CheckOutcome(Verdict.FAIL, f"{label}: `{p.function}` is not defined",
                                (Finding("code_missing", f"{label}: the code does not define `{p.function}`.",
                                         ctx.answer.line, ctx.answer.end_line, Severity.ERROR),))
        given = len(defs[-1].args.posonlyargs) + len(defs[-1].args.args)
        if p.args and given < len(p.args) and defs[-1].args.vararg is None:
            return CheckOutcome(Verdict.FAIL, f"{label}: `{p.function}` takes {given} argument(s)",
                                (Finding("code_signature", f"{label}: `{p.function}` takes {given} argument(s), the "
                                         f"question passes {len(p.args)} ({', '.join(p.args)}).",
                                         code.line(defs[-1].lineno), code.line(defs[-1].lineno), Severity.ERROR),))
        takes = f" and takes ({', '.join(p.args)})" if p.args else ""
        return not_checked(ctx, "code", f"`{p.function}` is defined and parses; its correctness and speed need "
                                        "the reference, which the pack does not hold",
                           checked_here=f"`{p.function}` is defined, parses{takes}")


CHECK = PackCodeCheck
