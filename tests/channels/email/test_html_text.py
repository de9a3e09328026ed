from __future__ import annotations

from parley.channels.email import extract_new_text, html_to_text


def test_paragraphs_and_line_breaks_become_lines() -> None:
    html = "<p>Hello,</p><p>my order<br>has not arrived.</p>"
    assert html_to_text(html) == "Hello,\n\nmy order\nhas not arrived."


def test_scripts_styles_heads_and_comments_are_dropped() -> None:
    html = (
        "<html><head><title>T</title><style>p{color:red}</style></head>"
        "<body><!--[if mso]>x<![endif]--><script>alert(1)</script><div>Visible</div></body></html>"
    )
    assert html_to_text(html) == "Visible"


def test_entities_and_non_breaking_spaces_are_decoded() -> None:
    assert (
        html_to_text("<div>Fish&nbsp;&amp;&nbsp;chips &lt;3 &eacute;t&eacute;</div>") == "Fish & chips <3 été"
    )


def test_list_items_become_dashed_lines() -> None:
    assert html_to_text("<ul><li>Red</li><li>Blue</li></ul>") == "- Red\n- Blue"


def test_table_cells_are_separated_by_one_space() -> None:
    assert html_to_text("<table><tr><td>Size</td><td> </td><td>XL</td></tr></table>") == "Size XL"


def test_preformatted_text_keeps_its_lines_and_spacing() -> None:
    assert html_to_text("<pre>a  b\nc</pre>") == "a  b\nc"


def test_blockquotes_come_out_quoted_so_replies_can_be_found() -> None:
    html = (
        '<div dir="ltr">Yes, Friday.</div><div class="gmail_quote">On Mon, 2 Mar 2026 at 10:15, '
        "Shop &lt;s@shop.example&gt; wrote:<br><blockquote>Does Friday work?<br>"
        "<blockquote>Older</blockquote></blockquote></div>"
    )
    text = html_to_text(html)
    assert "> Does Friday work?" in text
    assert "> > Older" in text
    assert extract_new_text(text) == "Yes, Friday."


def test_broken_html_still_gives_its_text() -> None:
    assert html_to_text("<div><p>Unclosed <b>bold<p>next") == "Unclosed bold\n\nnext"
