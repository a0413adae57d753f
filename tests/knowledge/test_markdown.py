"""Articles are Markdown shown as HTML: nothing in an article can run in a reader's page."""

import re

from contactcenter.knowledge.markdown import summary, to_html


def test_markdown_becomes_html():
    html = to_html("# Title\n\nSome **bold** text and a [link](https://example.com).\n\n- one")
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">link</a>' in html


def test_scripts_handlers_and_javascript_links_never_survive():
    html = to_html(
        '<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n'
        "[click](javascript:alert(3)) ![x](javascript:alert(4))"
    )
    assert "<script" not in html  # shown as text, escaped
    assert not re.search(r"<[a-z]+[^>]*\bon[a-z]+=", html)
    assert 'href="javascript' not in html
    assert 'src="javascript' not in html
    assert "<a " not in to_html('<a href="https://x.example" onclick="steal()">x</a>')


def test_the_summary_is_the_first_paragraphs_without_headings_or_marks():
    text = summary("# Reset\n\nClick **Forgot password**.\n\nThen check your e-mail.")
    assert text == "Click Forgot password.\n\nThen check your e-mail."
