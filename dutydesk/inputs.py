"""What browsers send, read once for every page: text, ids and other whole numbers.

Numbers: only ASCII digits count, and only within range; anything else is no number at all.
Python's own `int()` is too generous for text from outside: it reads other scripts' digits
("٣" is 3), `str.isdigit()` passes "²", which `int()` then refuses, and it turns twenty
digits into a number no database column can hold.

Text: a NUL character is dropped from every query-string and form value as the request is
read. No keyboard types one, and PostgreSQL cannot store one in text.
"""

from flask import Request as FlaskRequest
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import BaseConverter, ValidationError

#: The largest id a row can have: ids are INTEGER columns, 32-bit on PostgreSQL (SQLite's hold
#: 64 bits). A larger number cannot even be compared with an id there: the query fails.
MAX_ID = 2**31 - 1


def whole_number(text, *, least: int = 0, most: int) -> int | None:
    """The whole number written in ASCII digits, if it lies from least to most; else None."""
    if not isinstance(text, str) or not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(most)):
        return None
    number = int(digits)
    return number if least <= number <= most else None


def parse_id(text) -> int | None:
    """The id written in the text, or None when it is not one any row could have."""
    return whole_number(text, least=1, most=MAX_ID)


class IdConverter(BaseConverter):
    """`<int:...>` in dutydesk's addresses: a database id, or no such page (404)."""

    regex = r"[0-9]+"
    weight = 50

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class TypedValues(ImmutableMultiDict):
    """A query string's or a form's values, without NUL characters (files are left as they are)."""

    def __init__(self, mapping=None):
        super().__init__(mapping)
        for key, values in dict.items(self):
            dict.__setitem__(self, key, [value.replace("\x00", "") if isinstance(value, str) else value
                                         for value in values])


class Request(FlaskRequest):
    """dutydesk's requests: their query strings and forms hold only what a person can type."""

    parameter_storage_class = TypedValues
