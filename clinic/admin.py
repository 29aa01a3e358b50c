from django.contrib import admin

from clinic.models import AccessLogEntry, CareLink, ClinicalNote, Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("code", "physio", "created_at", "expires_at", "accepted_by", "accepted_at")
    search_fields = ("code", "physio__username")
    raw_id_fields = ("physio", "accepted_by")
    readonly_fields = ("code", "created_at")
    list_select_related = ("physio", "accepted_by")


@admin.register(CareLink)
class CareLinkAdmin(admin.ModelAdmin):
    list_display = ("physio", "patient", "created_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("physio__username", "patient__username")
    raw_id_fields = ("physio", "patient", "invitation")
    readonly_fields = ("created_at",)
    list_select_related = ("physio", "patient")


@admin.register(ClinicalNote)
class ClinicalNoteAdmin(admin.ModelAdmin):
    list_display = ("patient", "author_name", "created_at")
    search_fields = ("patient__username", "author_name")
    raw_id_fields = ("patient", "author")
    readonly_fields = ("created_at",)
    list_select_related = ("patient",)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the access log is evidence; no one edits it."""

    list_display = ("at", "physio_username", "patient", "what", "path")
    list_filter = ("what",)
    search_fields = ("physio_username", "patient__username")
    list_select_related = ("patient",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
