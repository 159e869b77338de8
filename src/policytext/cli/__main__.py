"""``python -m policytext.cli``: the command line."""

from policytext.cli import main

main()
