"""One reader for ids typed in query strings and forms: ASCII digits that fit a bigint, or None."""

import pytest

from apps.core.converters import id_from_text


@pytest.mark.parametrize(("text", "read"), [("0", 0), ("42", 42), ("999999999999999999", 10**18 - 1)])
def test_digits_that_fit_a_bigint_are_read(text, read):
    assert id_from_text(text) == read


@pytest.mark.parametrize(
    "text",
    ["", " 1", "1 ", "-1", "+1", "1.0", "1e3", "²", "١٢", "１２", "9999999999999999999", "\x001", None, 7],
)
def test_anything_else_is_none(text):
    assert id_from_text(text) is None
