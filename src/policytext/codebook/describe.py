"""A codebook for reading: Markdown or JSON."""

from __future__ import annotations

import json

from policytext.codebook.model import Codebook, Exclusion, Pattern

__all__ = ["describe_codebook"]


def describe_codebook(codebook: Codebook, *, fmt: str = "md") -> str:
    """A codebook for reading: Markdown (frames with their patterns and notes) or JSON.

    Example::

        >>> from policytext.codebook import load_codebook
        >>> describe_codebook(load_codebook()).splitlines()[0]
        '# policytext-default 1.9'
    """
    if fmt == "json":
        return json.dumps({"hash": codebook.hash, **codebook.to_dict()}, indent=2, ensure_ascii=False)
    lines = [f"# {codebook.name} {codebook.version}", "", f"hash: {codebook.hash}", ""]
    if codebook.description:
        lines += [codebook.description, ""]
    for frame in codebook.frame_defs:
        lines += [f"## {frame.id}: {frame.label}", "", frame.definition, ""]
        for pattern in codebook.patterns:
            if pattern.frame != frame.id:
                continue
            lines.append(
                f"- `{pattern.id}` ({pattern.kind}) {_pattern_text(pattern)}"
                + (f": {pattern.note}" if pattern.note else "")
            )
        lines.append("")
    if codebook.exclusions:
        lines += ["## exclusions", ""]
        for exclusion in codebook.exclusions:
            frames = ", ".join(exclusion.frames) or "all frames"
            lines.append(
                f"- `{exclusion.id}` ({frames}) {_pattern_text(exclusion)}"
                + (f": {exclusion.note}" if exclusion.note else "")
            )
        lines.append("")
    lines.append(f"negation cues: {', '.join(codebook.negation_cues)} (window {codebook.negation_window})")
    if codebook.classifier is not None:
        ref = codebook.classifier
        lines.append(
            f"sentence classifier: sha256 {ref.sha256[:12]}, threshold {ref.threshold}, "
            f"frames {', '.join(ref.frames) or 'all it was trained on'} (matches: {ref.pattern_id})"
        )
    return "\n".join(lines)


def _pattern_text(entry: Pattern | Exclusion) -> str:
    if entry.kind == "phrase":
        return f'"{" ".join(entry.terms)}"'
    if entry.kind == "tokens":
        return json.dumps(list(entry.tokens), ensure_ascii=False)
    assert isinstance(entry, Pattern)
    if entry.kind == "dependency":
        return "dependency " + json.dumps(list(entry.dependency), ensure_ascii=False)
    return f"{' | '.join(entry.near[0])} within {entry.window} of {' | '.join(entry.near[1])}"
