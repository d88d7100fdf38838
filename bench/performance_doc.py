"""docs/performance.md is shared by the benchmarks: each rewrites only its own `##` section."""

from __future__ import annotations

import re
from pathlib import Path

HEADER = (
    "# Performance\n\n"
    "How fast the parts of the system are, how it was measured, and against which goal. "
    "Each part has its own `##` section; benchmarks rewrite only their own.\n"
)


def rewrite_section(path: Path, title: str, text: str) -> None:
    """Replace the section headed ``title`` (up to the next ``## `` heading) by ``text``, or
    append it; the rest of the document stays as it is."""
    document = path.read_text(encoding="utf-8") if path.exists() else HEADER
    pattern = re.compile(rf"^{re.escape(title)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(document):
        document = pattern.sub(lambda _: text + "\n", document, count=1).rstrip("\n") + "\n"
    else:
        document = document.rstrip("\n") + "\n\n" + text
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document, encoding="utf-8")
