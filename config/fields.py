"""Strict serializer fields for the JSON API.

DRF's defaults coerce: "3" and 3.0 become the integer 3, "yes" and 1 become True, 5 becomes
the string "5". For health data a client bug should be a 400 naming the field, not a
silently different record, so these accept only the JSON type they document.
"""

import datetime
from decimal import Decimal

from rest_framework import serializers


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"invalid": "Must be a whole number (a JSON integer), e.g. 4."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictCharField(serializers.CharField):
    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictChoiceField(serializers.ChoiceField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class StrictDecimalField(serializers.DecimalField):
    default_error_messages = {"invalid": "Must be a number, e.g. 82.5."}

    def validate_empty_values(self, data):
        # DRF reads "" (and "  ") as null for a nullable decimal; a string is not a number.
        if isinstance(data, str):
            self.fail("invalid")
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | Decimal):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDateField(serializers.DateField):
    """Only YYYY-MM-DD, and only real calendar dates."""

    default_error_messages = {"invalid": "Must be a date written YYYY-MM-DD, e.g. 2026-03-31."}

    def to_internal_value(self, data):
        return parse_iso_date(data, self)


class StrictTimeField(serializers.TimeField):
    default_error_messages = {"invalid": "Must be a time written HH:MM (24-hour clock), e.g. 20:00."}

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        for fmt in ("%H:%M", "%H:%M:%S"):
            try:
                return datetime.datetime.strptime(data, fmt).time()
            except ValueError:
                continue
        self.fail("invalid")


def parse_iso_date(value, field=None):
    """Parse YYYY-MM-DD strictly; raise a ValidationError naming what is wrong."""
    message = StrictDateField.default_error_messages["invalid"]
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise serializers.ValidationError(message, code="invalid")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise serializers.ValidationError(f"{value} is not a real calendar date.", code="invalid") from None


class RejectUnknownFieldsMixin:
    """A typo such as "worse_at_reset" must not silently drop a warning sign: refuse it.

    Read-only fields (id, username, is_physio ...) are refused too, so a client never
    believes it changed something it cannot change.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {}
            for name in sorted(data):
                field = self.fields.get(name)
                if field is None:
                    errors[name] = ["Unknown field."]
                elif field.read_only:
                    errors[name] = ["This field is read-only."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
