"""A tiny codebook and invented sentences shared by the tests of `policytext train` and `tag --model`.

The sentences were written for these tests: devolution talk the codebook does not match
(``POSITIVE``) and sentences with no frame (``NEGATIVE``).
"""

from __future__ import annotations

FRAMES_AND_PATTERNS = """\
[[frames]]
id = "devolution"
[[frames]]
id = "targeting"
[[patterns]]
id = "dev-localism"
frame = "devolution"
phrase = "localism"
[[patterns]]
id = "tgt-poorest"
frame = "targeting"
phrase = "the poorest"
"""

POSITIVE = [
    "Town halls will run their own budgets.",
    "Town halls should set their own budgets.",
    "We trust town halls with their own budgets.",
    "Town halls can keep their own budgets.",
    "Localism gives town halls their own budgets.",
]
NEGATIVE = [
    "The weather was mild all week.",
    "Trains were late again on Monday.",
    "The match ended in a draw.",
    "Prices rose in the spring.",
    "The bridge opened to traffic.",
    "Schools reopened after the holiday.",
]
