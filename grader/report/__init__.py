"""Everything a TA or student reads: reports, the class summary, contract files, feedback, MathML."""
