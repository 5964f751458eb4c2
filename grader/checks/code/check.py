"""The `code` check: run a code answer sandboxed, compare it with the reference on fresh inputs, time both."""

from __future__ import annotations

from grader.checks.base import Check, CheckContext, CheckOutcome
from grader.checks.code import credit, trials
from grader.checks.code.extract import find_code
from grader.checks.code.params import CodeParams
from grader.checks.code.session import Session, Stop


class CodeCheck(Check):
    """Code answers: sandboxed, checked against the reference on fresh inputs, timed; DESIGN.md's protocol."""

    name = "code"
    Params = CodeParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p = ctx.params
        assert isinstance(p, CodeParams)
        code = find_code(ctx.answer.lines, ctx.answer.line_numbers, dict(ctx.document.files), p.function)
        if code is None:
            return credit.fail(ctx, "code_missing", f"no fenced python block and no .py file defines {p.function}()",
                               None, None, {})
        if f"def {p.function}" not in code.source:
            return credit.fail(ctx, "code_missing", f"the code does not define {p.function}()", code.lines[0],
                               code, {})
        session = Session(ctx, p, code)
        try:
            session.start(max(layout.nbytes for layout in trials.every_layout(p)))
            trials.correctness(session)
            measured = trials.timed(session) if p.timing else None
        except Stop as stop:
            session.close()
            return credit.fail(ctx, stop.kind, stop.message, stop.line, code, session.details, stop.verdict)
        except BaseException:
            session.close()
            raise
        session.close()
        return credit.score(ctx, p, code, measured, session.details)


CHECK = CodeCheck
