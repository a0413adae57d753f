"""The widget's text on the channel's accent reads at WCAG AA (4.5:1), whatever the accent."""

import pytest

from channels_adapters.webchat.contrast import AA, _rgb, on_white, ratio, readable


@pytest.mark.parametrize("accent", ["#2b59c3", "#ffcc00", "#00a884", "#ff6600", "#777777", "#fff"])
def test_text_on_any_accent_reads_at_aa(accent):
    shown, ink = readable(accent)
    assert ratio(_rgb(shown), _rgb(ink)) >= AA


def test_a_dark_accent_is_kept_and_gets_white_text():
    assert readable("#2b59c3") == ("#2b59c3", "#ffffff")
    assert readable("#ffcc00") == ("#ffcc00", "#111111")  # yellow: dark text, same yellow


@pytest.mark.parametrize("accent", ["#2b59c3", "#ffcc00", "#00a884", "#ff6600", "#fff", "nope"])
def test_the_accent_as_text_on_white_reads_at_aa(accent):
    """Menu options and call buttons are the accent on white: a light brand is darkened."""
    assert ratio(_rgb(on_white(accent)), _rgb("#ffffff")) >= AA


def test_a_dark_accent_is_its_own_text_colour_on_white():
    assert on_white("#2b59c3") == "#2b59c3"
