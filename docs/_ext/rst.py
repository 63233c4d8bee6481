"""Small helpers to write reStructuredText from the text the code exposes."""

from __future__ import annotations

import re
import textwrap

_CODE = re.compile(r"`([^`]+)`")
#: How the core's doc comments start a fix of the original.
FIX = re.compile(r"^Fix(es)?:\s*")


def escape(text: str) -> str:
    """Plain text as reST: inline markup characters are escaped."""
    return re.sub(r"([\\*|_`<>\[\]])", r"\\\1", text)


def markdownish(text: str) -> str:
    """Doc comments of the core (``code`` in single backticks, otherwise plain) as reST."""
    out, last = [], 0
    for m in _CODE.finditer(text):
        out.append(escape(text[last:m.start()]))
        out.append(f"``{m.group(1)}``" if m.group(1).strip() == m.group(1) else escape(m.group(0)))
        last = m.end()
    out.append(escape(text[last:]))
    return "".join(out)


def paragraphs(doc: str) -> list[str]:
    """A doc comment as paragraphs (lines joined), ``Fix:`` lines each a paragraph of their own."""
    result: list[str] = []
    for block in textwrap.dedent(doc).strip().split("\n\n"):
        current: list[str] = []
        for line in block.splitlines():
            line = line.strip()
            if FIX.match(line) and current:
                result.append(" ".join(current))
                current = []
            current.append(line)
        if current:
            result.append(" ".join(current))
    return [p for p in result if p]


def heading(title: str, char: str) -> str:
    return f"{title}\n{char * len(title)}\n"


def literal(value: object) -> str:
    """A default value as inline code."""
    return f"``{value!r}``"


def indent(text: str, spaces: int) -> str:
    return textwrap.indent(text, " " * spaces, lambda line: bool(line.strip()))


def list_table(header: list[str], rows: list[list[str]], widths: list[int]) -> str:
    """A ``list-table`` directive; cells may span several lines."""
    lines = [".. list-table::", "   :header-rows: 1", f"   :widths: {' '.join(map(str, widths))}", ""]
    for row in [header, *rows]:
        for i, cell in enumerate(row):
            cell_lines = (cell or "\\ ").splitlines() or ["\\ "]
            lines.append(("   * - " if i == 0 else "     - ") + cell_lines[0])
            lines.extend("       " + extra if extra.strip() else "" for extra in cell_lines[1:])
    return "\n".join(lines) + "\n"
