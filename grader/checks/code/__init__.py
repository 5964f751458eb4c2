"""The `code` check: extract (finding the code), params, trials, session (the sandbox), timing, credit, check."""
