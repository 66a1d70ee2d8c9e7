from core.markdown import markdown_to_text, render_markdown


def test_markdown_keeps_formatting_and_links() -> None:
    html = render_markdown("**Samen** naar [nul op de meter](https://example.org)")

    assert "<strong>Samen</strong>" in html
    assert 'href="https://example.org"' in html
    assert "nofollow" in html


def test_markdown_drops_scripts_raw_html_and_javascript_links() -> None:
    html = render_markdown(
        "<script>alert(1)</script> <img src=x onerror=alert(1)> [klik](javascript:alert(1))"
    )

    assert "<script" not in html
    assert "onerror" not in html
    assert "<img" not in html
    assert "javascript:" not in html


def test_markdown_to_text_gives_plain_words() -> None:
    assert (
        markdown_to_text("# Titel\n\nEen *mooi* verhaal & meer") == "Titel Een mooi verhaal & meer"
    )
