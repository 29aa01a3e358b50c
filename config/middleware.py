from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse


def _too_large():
    limit_kib = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    return JsonResponse({"detail": f"Request body too large: at most {limit_kib} KiB."}, status=413)


class BodySizeLimitMiddleware:
    """Answer 413 (not Django's generic 400) for bodies over DATA_UPLOAD_MAX_MEMORY_SIZE,
    and 411 for a chunked body: Django reads the body by Content-Length, so without one it
    would see an empty body and act on that."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return JsonResponse(
                {"detail": "Send the body with a Content-Length (chunked transfer encoding is not accepted)."},
                status=411,
            )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return _too_large()
        return self.get_response(request)

    def process_exception(self, request, exception):
        # A chunked body with no Content-Length is caught when it is read.
        if isinstance(exception, RequestDataTooBig):
            return _too_large()
        return None
