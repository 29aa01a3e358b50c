"""OpenAPI: document the errors every operation can answer, and shape error bodies."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.views import exception_handler as drf_exception_handler

DETAIL = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})
FIELD_ERRORS = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {
            "oneOf": [
                {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "object"}]}},
                {"type": "object", "description": "Errors of a nested item, keyed by its index or field."},
            ]
        },
        "example": {"pain": ["Ensure this value is less than or equal to 10."]},
    },
    description="Invalid input: each key names a field (or `non_field_errors`), with its messages; nested "
    "items (exercises, locations) are keyed by their index. Nothing was stored.",
)
WRITE_METHODS = {"POST", "PUT", "PATCH"}


class ReboundAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses

        def add(code, response):
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code)

        if self.method in WRITE_METHODS:
            add("413", OpenApiResponse(DETAIL, description="Request body over 64 KiB."))
        if self.method in WRITE_METHODS or "{" in self.path or self._is_list_view():
            add("400", FIELD_ERRORS)
        if not any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            add("401", OpenApiResponse(DETAIL, description="No valid credentials."))
        if "{" in self.path or (self._is_list_view() and self._get_paginator()):
            add("404", OpenApiResponse(DETAIL, description="Not found, or not yours to see (or a page past the end)."))
        add("429", OpenApiResponse(DETAIL, description="Throttled; see the Retry-After header."))
        return responses


def exception_handler(exc, context):
    """DRF's handler, with malformed bodies reported like any other 400 (a field map) and a
    Retry-After on every 429 (DRF sets it only when it knows the wait)."""
    if isinstance(exc, ParseError):
        exc = ValidationError({"non_field_errors": [f"Malformed JSON body: {exc.detail}"]})
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == 429 and "Retry-After" not in response:
        response["Retry-After"] = "60"
    return response
