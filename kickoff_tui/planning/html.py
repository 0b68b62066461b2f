"""The report as one self-contained HTML file: the Markdown Kickoff writes, converted here (no
Markdown library: the report uses a small, known subset), with the SVG charts inlined so the file
opens anywhere (a browser, an email attachment, a wiki upload) with nothing beside it.

Subset: ``#`` headings, paragraphs, ``-`` and ``1.`` lists, pipe tables, fenced code, ``---``
rules, ``![alt](path)`` images on their own line, and inline ``**bold**``, ``*italic*``,
`` `code` `` and ``<br>`` (inside table cells).
"""

from __future__ import annotations

import html
import re

from kickoff_tui.planning.markdown import unescape_text

CSS = """
body { font-family: Helvetica, Arial, sans-serif; color: #1f2328; max-width: 1000px;
       margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.7rem; border-bottom: 2px solid #1f4e79; padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
h3 { font-size: 1.08rem; margin-top: 1.4rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: 13.5px; }
td { overflow-wrap: break-word; }
th, td { border: 1px solid #d0d7de; padding: .3rem .55rem; text-align: left; vertical-align: top; }
th { background: #f3f6f9; }
tr:nth-child(even) td { background: #fafbfc; }
code { font-family: Menlo, Consolas, monospace; font-size: 12.5px; background: #f3f4f6;
       padding: .05rem .25rem; border-radius: 3px; }
pre { background: #f6f8fa; padding: .8rem; overflow-x: auto; border-radius: 4px; }
pre code { background: none; padding: 0; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; border: 1px solid #e5e7eb; }
figcaption { color: #57606a; font-size: 12.5px; }
.memo { border: 1px solid #1f4e79; border-radius: 6px; padding: .2rem 1.2rem 1rem; background: #fbfdff; }
@media print { .memo { page-break-after: always; border: none; } body { margin: 0; } }
"""
"""One stylesheet: readable on screen, the memo on its own printed page."""

_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)]+)\)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_ORDERED = re.compile(r"^\d+\.\s+(.*)$")


def _inline(text: str) -> str:
    # The Markdown escapes user text with entities (planning.markdown.escape_text): back to the
    # text as typed, then escaped for HTML here, as before.
    out = html.escape(unescape_text(text), quote=False)
    out = out.replace("&lt;br&gt;", "<br>")
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])", r"<em>\1</em>", out)
    return out.replace("\\|", "|").replace("\\\\", "\\")


NOWRAP_CHARS = 18
"""Dates and short money cells are kept on one line (a date broken at its dashes misreads)."""
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _td(cell: str) -> str:
    short = len(cell) <= NOWRAP_CHARS
    nowrap = ' style="white-space:nowrap"' if short and (_DATE.match(cell) or cell[:1] == "$") else ""
    return f"<td{nowrap}>{_inline(cell)}</td>"


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [c.strip() for c in re.split(r"(?<!\\)\|", body)]


def _is_rule(line: str) -> bool:
    return bool(re.match(r"^\|?(\s*:?-+:?\s*\|)+\s*:?-*:?\s*\|?$", line.strip()))


def markdown_to_html(text: str, images: dict[str, str] | None = None, title: str = "") -> str:
    """A complete HTML document; ``images`` maps an image path to its SVG (inlined there)."""
    images = images or {}
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    in_memo = False
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append("<p>" + _inline(" ".join(para)) + "</p>")
            para.clear()

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```"):
            flush()
            code = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                code.append(lines[i])
                i += 1
            out.append("<pre><code>" + html.escape("\n".join(code)) + "</code></pre>")
            i += 1
            continue
        heading = _HEADING.match(stripped)
        if heading:
            flush()
            level = len(heading.group(1))
            if level == 2 and in_memo:
                out.append("</section>")
                in_memo = False
            if level == 2 and heading.group(2).strip() == "Decision memo":
                out.append('<section class="memo">')
                in_memo = True
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            i += 1
            continue
        if stripped == "---":
            flush()
            if in_memo:
                out.append("</section>")
                in_memo = False
            else:
                out.append("<hr>")
            i += 1
            continue
        image = _IMAGE.match(stripped)
        if image:
            flush()
            alt, path = image.groups()
            svg = images.get(path)
            if svg is not None:
                out.append(f"<figure>{svg}<figcaption>{html.escape(alt)}</figcaption></figure>")
            else:
                out.append(f'<p><img src="{html.escape(path)}" alt="{html.escape(alt)}"></p>')
            i += 1
            continue
        if stripped.startswith("|") and i + 1 < len(lines) and _is_rule(lines[i + 1]):
            flush()
            head = _cells(stripped)
            out.append("<table><thead><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head) + "</tr></thead><tbody>")
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                row = _cells(lines[i])
                out.append("<tr>" + "".join(_td(c) for c in row) + "</tr>")
                i += 1
            out.append("</tbody></table>")
            continue
        if stripped.startswith("- ") or _ORDERED.match(stripped):
            flush()
            ordered = not stripped.startswith("- ")
            tag = "ol" if ordered else "ul"
            start = _ORDERED.match(stripped)
            attr = ""
            if ordered and start:
                attr = f' start="{stripped.split(".", 1)[0]}"'
            out.append(f"<{tag}{attr}>")
            while i < len(lines):
                item = lines[i].strip()
                match = _ORDERED.match(item) if ordered else None
                if ordered and match:
                    out.append(f"<li>{_inline(match.group(1))}</li>")
                elif not ordered and item.startswith("- "):
                    out.append(f"<li>{_inline(item[2:])}</li>")
                else:
                    break
                i += 1
            out.append(f"</{tag}>")
            continue
        if not stripped:
            flush()
            i += 1
            continue
        para.append(stripped)
        i += 1
    flush()
    if in_memo:
        out.append("</section>")
    name = html.escape(title or "Kickoff report")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{name}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>\n" + "\n".join(out) + "\n</body></html>\n"
    )
