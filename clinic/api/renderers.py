"""The export's formats, chosen by `?format=json|csv|fhir` or else by the Accept header."""

from rest_framework.renderers import BaseRenderer, JSONRenderer

from clinic import export


class FHIRRenderer(JSONRenderer):
    media_type = "application/fhir+json"
    format = "fhir"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return super().render(export.to_fhir(data), accepted_media_type, renderer_context)


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return export.to_csv(data).encode("utf-8")


EXPORT_RENDERERS = [JSONRenderer, CSVRenderer, FHIRRenderer]
FORMATS = [renderer.format for renderer in EXPORT_RENDERERS]
