"""Finding the code of an answer: fenced python blocks with their lines, or a `.py` file of the submission."""

from __future__ import annotations

from grader.checks.code.extract import fenced_python, find_code


def test_fenced_blocks_are_joined_with_their_original_lines() -> None:
    lines = ["text", "```python", "import torch", "```", "more", "~~~py", "def f(x):", "    return x", "~~~"]
    code = fenced_python(lines, range(10, 19))
    assert code is not None
    assert code.source == "import torch\ndef f(x):\n    return x\n"
    assert code.lines == (12, 16, 17)
    assert code.line(2) == 16


def test_code_in_a_py_file_beside_the_write_up() -> None:
    files = {"notes.txt": "x", "attention.py": "import torch\n\ndef attention_separable(Q, K, V):\n    return V\n"}
    code = find_code(["## Question 1", "see attention.py"], [1, 2], files, "attention_separable")
    assert code is not None and code.file == "attention.py" and code.line(3) == 3
