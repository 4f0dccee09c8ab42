"""A word-level difference between two versions of a text, as escaped HTML with <del>/<ins>."""

from __future__ import annotations

import difflib
from html import escape


def word_diff_html(old: str | None, new: str | None) -> str:
    """``new`` compared with ``old`` word by word: removed words in <del>, added in <ins>.
    Paragraph breaks of ``new`` are kept as <br>. Every word is escaped."""
    old_words = (old or "").replace("\n", " \n ").split(" ")
    new_words = (new or "").replace("\n", " \n ").split(" ")
    old_words = [w for w in old_words if w]
    new_words = [w for w in new_words if w]
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    out: list[str] = []

    def words(seq: list[str]) -> str:
        return " ".join("<br>" if w == "\n" else escape(w) for w in seq)

    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            out.append(words(new_words[b0:b1]))
            continue
        if a1 > a0:
            removed = [w for w in old_words[a0:a1] if w != "\n"]
            if removed:
                out.append(f"<del>{words(removed)}</del>")
        if b1 > b0:
            out.append(f"<ins>{words(new_words[b0:b1])}</ins>")
    return " ".join(part for part in out if part)
