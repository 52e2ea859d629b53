"""`plain`: authored Markdown as one line of plain text for lists, cloze blanks hidden (or, on request, bracketed)."""

from __future__ import annotations

from django.template import Context, Template

from studyapp.library.templatetags.library_tags import plain, render_markdown


def test_plain_drops_markdown_emphasis():
    assert plain("Who wrote the *secret* letter of **1923**?") == "Who wrote the secret letter of 1923?"


def test_plain_hides_a_cloze_blank_for_learners():
    assert plain("In 1923 {{Leon Trotsky}} wrote a letter.") == "In 1923 […] wrote a letter."


def test_plain_shown_puts_the_blanks_words_in_brackets():
    assert plain("In 1923 {{Leon *Trotsky*}} wrote a letter.", "shown") == "In 1923 [Leon Trotsky] wrote a letter."


def test_plain_makes_one_line_of_lists_links_and_paragraphs():
    text = "Name them:\n\n- [Zinoviev](https://example.org/z)\n- Kamenev\n\nThen `check`."

    assert plain(text) == "Name them: Zinoviev Kamenev Then check."


def test_plain_gives_text_that_the_template_escapes():
    prompt = 'Is 1 < 2 & "so" <script>alert(1)</script>?'

    html = Template("{% load library_tags %}{{ prompt|plain }}").render(Context({"prompt": prompt}))

    assert "<script>" not in html
    assert "&lt;" in html
    assert "&amp;" in html


def test_plain_of_nothing_is_empty():
    assert plain("") == ""
    assert plain(None) == ""


def test_a_text_starting_with_a_year_and_a_full_stop_keeps_the_year():
    # Markdown reads "1923. ..." as an ordered list starting at 1923.
    assert plain("1923. The Forty-Six wrote to the Politburo.") == "1923. The Forty-Six wrote to the Politburo."


def test_plain_numbers_each_item_of_an_ordered_list_from_its_start():
    assert plain("3. Lenin died.\n4. Trotsky was exiled.") == "3. Lenin died. 4. Trotsky was exiled."


def test_a_card_shows_the_year_that_starts_its_text_as_the_lists_number():
    assert render_markdown("1923. The Forty-Six wrote.") == '<ol start="1923">\n<li>The Forty-Six wrote.</li>\n</ol>'
