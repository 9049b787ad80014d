"""PDF reports: the HTML reports laid out on pages by WeasyPrint, an optional extra.

Every page carries the client code and the session's date at its head and "Page N of M" at its
foot; the last page ends with a signature line. WeasyPrint is imported only when a PDF is
asked for; without it (or without its system libraries) `PdfUnavailable` says in one plain line
how to add it.
"""

from __future__ import annotations

from html import escape

INSTALL_HINT = (
    "PDF reports need WeasyPrint: pip install 'session-companion[pdf]' "
    "(on Debian it also needs the system package libpango-1.0-0)."
)


class PdfUnavailable(Exception):
    """WeasyPrint cannot be used here; the message says how to add it."""


def _css_text(text: str) -> str:
    """A string for a CSS `content:` value."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_css(head_left: str, head_right: str) -> str:
    return f"""
@page {{
  size: A4; margin: 20mm 16mm 20mm 16mm;
  @top-left {{ content: {_css_text(head_left)}; font: 9pt sans-serif; color: #444; }}
  @top-right {{ content: {_css_text(head_right)}; font: 9pt sans-serif; color: #444; }}
  @bottom-center {{ content: "Page " counter(page) " of " counter(pages); font: 9pt sans-serif; color: #444; }}
}}
body {{ margin: 0; max-width: none; font-size: 10pt; }}
table {{ font-size: 8.5pt; }}
th, td {{ overflow-wrap: break-word; }}
.signature {{ margin-top: 14mm; break-inside: avoid; }}
.signature p {{ margin: 9mm 0 0; border-top: 1px solid #333; width: 60%; padding-top: 1mm; font-size: 9pt; }}
"""


SIGNATURE = '<section class="signature"><p>Clinician signature</p><p>Name and credentials</p><p>Date</p></section>'


def printable(html: str, head_left: str, head_right: str) -> str:
    """The HTML report with page rules and a signature line added."""
    style = f"<style>{escape(page_css(head_left, head_right), quote=False)}</style>"
    html = html.replace("</head>", f"{style}\n</head>", 1)
    return html.replace("</body>", f"{SIGNATURE}\n</body>", 1)


def html_to_pdf(html: str, head_left: str, head_right: str) -> bytes:
    """The PDF of an HTML report. Raises PdfUnavailable when WeasyPrint cannot run here."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):  # OSError: the package is there, its system libraries are not
        raise PdfUnavailable(INSTALL_HINT) from None
    document = HTML(string=printable(html, head_left, head_right), base_url=None)
    pdf = document.write_pdf()
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf without a target returns bytes
        raise PdfUnavailable("WeasyPrint returned no PDF.")
    return pdf
