"""Markdown for user-written text, rendered and then sanitised with nh3 (Ammonia)."""

from __future__ import annotations

import html as html_lib

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str) -> SafeString:
    """Turn Markdown into HTML that is safe to show: no scripts, styles, images or raw HTML."""
    if not text:
        return mark_safe("")
    html = markdown_lib.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )
    return mark_safe(clean)


def markdown_to_text(text: str) -> str:
    """Plain text of Markdown, for search vectors, snippets and meta descriptions."""
    html = markdown_lib.markdown(text or "")
    return " ".join(html_lib.unescape(nh3.clean(html, tags=set())).split())
