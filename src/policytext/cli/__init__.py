"""The ``policytext`` command: parses arguments, calls the library, prints.

No logic lives here: each command is a thin shell over a library function, one module per
group of commands. Errors derived from :class:`~policytext.errors.PolicytextError` become one
``Error: ...`` line on stderr and exit status 1; usage errors exit with 2.
"""

from policytext.cli import analysis, documents, report, scrape, tagging, topics, validation
from policytext.cli._base import main

__all__ = ["main"]

# The command modules register their commands on ``main`` when imported.
_COMMANDS = (analysis, documents, report, scrape, tagging, topics, validation)
