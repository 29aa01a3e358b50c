"""The JSON body parser: anything that is not sound JSON text is a 400, never a 500.

Beyond DRF's parser it refuses, as a malformed body: nesting deeper than any Rebound body
needs (Python's parser would exhaust the stack on ~1,000 levels), and strings holding a
lone surrogate ("\\ud800"), which JSON escapes can express but no text encoding can store
or print back in an error message.
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 16


def _check(value, depth=0):
    if depth > MAX_DEPTH:
        raise ParseError(f"JSON nested more than {MAX_DEPTH} levels deep.")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ParseError("JSON text holds a lone surrogate (an escape such as \\ud800 on its own).") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, depth + 1)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON nested more than {MAX_DEPTH} levels deep.") from None
        _check(data)
        return data
