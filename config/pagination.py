from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """{count, next, previous, results}; ?page=N, ?page_size=1..100.

    A malformed page or page_size is a 400 naming it (DRF would quietly ignore a bad
    page_size); a page past the end is a 404.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        for name, high in ((self.page_query_param, None), (self.page_size_query_param, self.max_page_size)):
            raw = request.query_params.get(name)
            if raw is None:
                continue
            if not raw.isdigit() or int(raw) < 1 or (high and int(raw) > high):
                limit = f"from 1 to {high}" if high else "of 1 or more"
                raise ValidationError({name: [f"Must be a whole number {limit}."]})
        return super().paginate_queryset(queryset, request, view)
