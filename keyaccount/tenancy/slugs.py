"""An organization's slug from its name in any script: Russian letters in Latin, then Django's slugify
(which alone would drop them)."""

from __future__ import annotations

import unicodedata

from django.utils.text import slugify

# Russian letters in Latin ("-" stands for a letter that is dropped: ъ, ь).
_LATIN = [
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "-", "y", "-", "e", "yu", "ya",
]  # fmt: skip
_TRANSLIT = {
    ru: ("" if lat == "-" else lat) for ru, lat in zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN, strict=True)
}


def translit(text: str) -> str:
    """Latin letters for a Russian (or accented) text, for email addresses, domains and slugs."""
    out = "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())
    return unicodedata.normalize("NFKD", out).encode("ascii", "ignore").decode("ascii")


def organization_slug(name: str) -> str:
    return slugify(translit(name)) or "organization"
