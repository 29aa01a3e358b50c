from django.contrib import admin

from recovery.models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("reason", "level", "workout", "created_at", "pushed_at", "acknowledged_at", "resolved_at")
    list_filter = ("level", "reason")
    search_fields = ("workout__owner__username",)
    list_select_related = ("workout",)
    raw_id_fields = ("workout", "resolved_by")
    readonly_fields = ("created_at",)
