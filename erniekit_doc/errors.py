"""The one exception type that reaches users as a message instead of a traceback."""

from __future__ import annotations

import difflib
from typing import Iterable, Optional


class UserError(Exception):
    """A problem with what the user gave us (config, data, paths).

    The CLI prints ``str(err)`` as one paragraph and exits with status 1; no traceback
    unless ``--debug``. Messages should name the file, line and field, and say what to do.
    """


def did_you_mean(word: str, choices: Iterable[str]) -> Optional[str]:
    """Closest spelling among ``choices``, or None when nothing is close."""
    choices = list(choices)
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return lowered[word.lower()]
    hits = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return hits[0] if hits else None


def suggestion(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' or ''."""
    hit = did_you_mean(word, choices)
    return f' (did you mean "{hit}"?)' if hit else ""
