from django.contrib import admin

from recovery.models import Alert, Recovery


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("reason", "level", "workout", "created_at", "acknowledged_at", "resolved_at")
    list_filter = ("level", "reason")
    search_fields = ("workout__owner__username",)
    list_select_related = ("workout",)
    raw_id_fields = ("workout", "resolved_by")
    readonly_fields = ("created_at",)


@admin.register(Recovery)
class RecoveryAdmin(admin.ModelAdmin):
    """Read-only: the red-flag job writes these rows (recovery.state); people read them."""

    list_display = ("workout", "level", "opened_on", "closed_on", "last_log_on", "last_pain", "evaluation_due_at")
    list_filter = ("level",)
    search_fields = ("workout__owner__username",)
    list_select_related = ("workout",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
