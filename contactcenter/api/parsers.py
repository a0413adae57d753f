"""Request bodies the API reads: JSON as contactcenter/strict_json.py takes it, so `NaN`,
`1e999`, huge integers and deep nesting are a 400 (DRF's own parser lets the last three
through, and a RecursionError became a 500)."""

import codecs

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from contactcenter import strict_json


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
            return strict_json.loads(text)
        except (strict_json.MalformedJson, UnicodeDecodeError) as error:
            raise ParseError(f"JSON parse error - {error}") from None
