"""Every `# type: ignore` names the error it silences and says why, on the same line:

    instance.url = money_url("invoice", instance.pk)  # type: ignore[attr-defined]  # shown by the day page

mypy (`make lint`) rejects an ignore without a code (`ignore-without-code`) and one that no longer
silences anything (`warn_unused_ignores`); the reason is the reader's, so only this test asks for it.
"""

from __future__ import annotations

import re
import tokenize
from pathlib import Path

import keyaccount

ROOT = Path(keyaccount.__file__).parent
# A type-ignore comment, optionally its codes in brackets, then whatever follows on the line.
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[^\]]*\])?(?P<rest>.*)$")
# The reason: another comment after the codes, with words in it.
REASON = re.compile(r"^\s*#\s*\w.*\w")


def _sources() -> list[Path]:
    return sorted(path for path in ROOT.rglob("*.py") if "migrations" not in path.relative_to(ROOT).parts)


def _ignores(path: Path) -> list[tuple[int, str]]:
    """(line, comment) of each `type: ignore` comment: comments only, not the words inside a string."""
    with path.open("rb") as source:
        return [
            (token.start[0], token.string)
            for token in tokenize.tokenize(source.readline)
            if token.type == tokenize.COMMENT and IGNORE.search(token.string)
        ]


def _problem(comment: str) -> str | None:
    match = IGNORE.search(comment)
    assert match is not None
    if not match["codes"] or match["codes"] == "[]":
        return "names no error code"
    if not REASON.match(match["rest"]):
        return "gives no reason after the code"
    return None


def test_it_accepts_an_ignore_with_a_code_and_a_reason() -> None:
    assert _problem("# type: ignore[attr-defined]  # set by the prefetch above") is None


def test_it_rejects_an_ignore_without_a_code_or_a_reason() -> None:
    assert _problem("# type: ignore") == "names no error code"
    assert _problem("# type: ignore  # because") == "names no error code"
    assert _problem("# type: ignore[arg-type]") == "gives no reason after the code"
    assert _problem("# type: ignore[arg-type]  #") == "gives no reason after the code"


def test_every_type_ignore_names_its_code_and_says_why() -> None:
    found = [
        f"{path.relative_to(ROOT.parent)}:{line}: {problem}: {comment}"
        for path in _sources()
        for line, comment in _ignores(path)
        if (problem := _problem(comment))
    ]
    assert not found, "\n".join(found)
