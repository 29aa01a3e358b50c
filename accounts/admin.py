from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "is_physio", "timezone", "is_staff", "date_joined")
    list_filter = ("is_physio", "is_staff", "is_active")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Rebound", {"fields": ("is_physio", "timezone", "reminder_time", "quiet_hours_start", "quiet_hours_end")}),
    )
