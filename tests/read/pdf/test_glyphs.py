from grader.read.pdf.glyphs import family, latex_of, role


def test_computer_modern_codes_without_unicode_map():
    assert latex_of("6", "CMSY10") == ("\\not", True)  # negationslash, the source of "6=" in pdftotext
    assert latex_of("\x0b", "CMMI10") == ("\\alpha", True)
    assert latex_of("P", "CMEX10") == ("\\sum", True)
    assert latex_of("L", "CMSY10") == ("\\mathcal{L}", True)


def test_unicode_and_math_alphanumerics():
    assert latex_of("∂", "CMMI10")[0] == "\\partial"
    assert latex_of("𝑎", "LatinModernMath-Regular")[0] == "a"
    assert latex_of("𝐠", "LatinModernMath-Regular")[0] == "\\mathbf{g}"
    assert latex_of("\ue000", "SomeFont") == ("?", False)


def test_font_roles():
    assert family("CMMI10") == "CMMI"
    assert role("CMMI7") == "math-italic" and role("CMEX10") == "extension" and role("CMR10") == "text"
    assert role("LatinModernMath-Regular") == "math" and role("CMBX12") == "bold"
