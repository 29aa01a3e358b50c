from django.contrib import admin

from tracker.models import Exercise, PainLog, Workout


class ExerciseInline(admin.TabularInline):
    model = Exercise
    extra = 0


class PainLogInline(admin.TabularInline):
    model = PainLog
    extra = 0
    fields = ("logged_on", "pain", "quality", "radiates_to_legs", "numbness_tingling", "worse_at_rest")
    show_change_link = True


@admin.register(Workout)
class WorkoutAdmin(admin.ModelAdmin):
    list_display = ("__str__", "owner", "performed_on", "intensity")
    list_filter = ("performed_on",)
    search_fields = ("owner__username", "title")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    date_hierarchy = "performed_on"
    inlines = [ExerciseInline, PainLogInline]


@admin.register(PainLog)
class PainLogAdmin(admin.ModelAdmin):
    list_display = ("logged_on", "pain", "quality", "workout", "owner")
    list_filter = ("quality", "worse_at_rest", "radiates_to_legs")
    search_fields = ("workout__owner__username",)
    list_select_related = ("workout__owner",)
    raw_id_fields = ("workout",)
    date_hierarchy = "logged_on"

    @admin.display(ordering="workout__owner__username")
    def owner(self, log):
        return log.workout.owner
