from django.contrib import admin

from notifications.models import Delivery, Notification, PushSubscription, ReminderSchedule


class ReadOnlyAdmin(admin.ModelAdmin):
    """The delivery machinery writes these rows; people read them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("kind", "title", "recipient", "urgency", "created_at", "deliver_at", "dispatched_at", "read_at")
    list_filter = ("kind", "urgency")
    search_fields = ("recipient__username", "key")
    list_select_related = ("recipient",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("notification", "channel", "target", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("channel", "status")
    search_fields = ("notification__recipient__username", "target")
    list_select_related = ("notification",)


@admin.register(PushSubscription)
class PushSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("user", "endpoint", "created_at", "updated_at")
    search_fields = ("user__username", "endpoint")
    list_select_related = ("user",)

    def has_delete_permission(self, request, obj=None):
        return True


@admin.register(ReminderSchedule)
class ReminderScheduleAdmin(ReadOnlyAdmin):
    list_display = ("user", "next_reminder_at")
    search_fields = ("user__username",)
    list_select_related = ("user",)
