"""Text from files and servers on the console: never markup, never terminal control, never a formula.

A zone, station or company name, a CSV header or a server's error reason is data: Rich would read
``[/x]`` in it as markup (and crash on a closing tag it never opened), and an escape sequence in it
would reach the terminal raw. :func:`shown` strips control characters and escapes markup;
:func:`csv_cell` also neutralises what a spreadsheet would run as a formula (OWASP: a text cell
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe).
"""

from __future__ import annotations

import re

from rich.markup import escape

# C0 and C1 controls and DEL, keeping the newline and the tab
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def clean(text: object) -> str:
    """``text`` as a string without control characters (an escape sequence is not shown raw)."""
    return _CONTROL.sub("", str(text))


def shown(text: object) -> str:
    """``text`` safe to give Rich: without control characters, its brackets escaped."""
    return escape(clean(text))


def csv_cell(value: object) -> object:
    """A CSV cell: numbers as they are; text cleaned, with a leading apostrophe where a spreadsheet
    would read a formula."""
    if not isinstance(value, str):
        return value
    text = clean(value)
    return "'" + text if value[:1] in _FORMULA or text[:1] in _FORMULA else text
