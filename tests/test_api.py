"""The public surface: what `import policytext` offers, and that importing does nothing."""

from __future__ import annotations

import subprocess
import sys

import policytext


def test_api_all_lists_exactly_the_public_names() -> None:
    public = {name for name in dir(policytext) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(policytext, name)).__name__ == "module"}
    helpers = {"importlib", "logging", "Any"}
    assert set(policytext.__all__) == (public - modules - helpers) | {"__version__"}
    for name in policytext.__all__:
        assert getattr(policytext, name) is not None  # lazy names resolve
    assert sorted(policytext.__all__, key=str.casefold) == sorted(set(policytext.__all__), key=str.casefold)


def test_api_errors_share_one_base() -> None:
    from policytext import errors

    for name in errors.__all__:
        assert issubclass(getattr(errors, name), policytext.PolicytextError)


def test_api_import_loads_no_models_and_touches_nothing() -> None:
    code = (
        "import sys, policytext; "
        "heavy = [m for m in ('spacy', 'sklearn', 'matplotlib', 'requests') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
