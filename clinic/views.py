"""The clinic's server-rendered pages: thin views over clinic.dashboard, clinic.episodes and
clinic.triage. Session login; anyone but a physiotherapist gets a 404."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from clinic.access import is_physio, linked_patient_or_404, record_reads
from clinic.dashboard import dashboard
from clinic.episodes import episodes_and_notes
from clinic.models import Access
from clinic.triage import acknowledge_alert, add_note, resolve_alert

REFRESH_SECONDS = 60


def physio_page(view):
    """Anonymous: to the login page. Signed in but not a physiotherapist: 404. Never cached.

    The Content-Security-Policy is the site's (django-csp, config/settings.py).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_physio(request.user):
            raise Http404("No such page.")
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    return wrapper


@require_GET
@physio_page
def dashboard_page(request):
    rows = dashboard(request.user)
    record_reads(request.user, [row.id for row in rows], Access.DASHBOARD, request.path)
    template = "clinic/_rows.html" if request.htmx else "clinic/dashboard.html"
    return render(request, template, {"rows": rows, "refresh_seconds": REFRESH_SECONDS})


@require_GET
@physio_page
def patient_page(request, patient_id):
    return _render_patient(request, patient_id)


def _render_patient(request, patient_id, errors=None, status=200):
    patient = linked_patient_or_404(request.user, patient_id)
    episodes, notes = episodes_and_notes(request.user, patient)
    record_reads(request.user, [patient.pk], Access.PATIENT_PAGE, request.path)
    context = {"patient": patient, "episodes": episodes, "notes": notes, "errors": errors or {}}
    return render(request, "clinic/patient.html", context, status=status)


@require_POST
@physio_page
def acknowledge(request, patient_id, alert_id):
    linked_patient_or_404(request.user, patient_id)
    acknowledge_alert(request.user, alert_id)
    return redirect("clinic:patient", patient_id=patient_id)


@require_POST
@physio_page
def resolve(request, patient_id, alert_id):
    linked_patient_or_404(request.user, patient_id)
    try:
        resolve_alert(request.user, alert_id, request.POST.get("note", ""))
    except ValidationError as error:
        return _render_patient(request, patient_id, errors=error.message_dict, status=400)
    return redirect("clinic:patient", patient_id=patient_id)


@require_POST
@physio_page
def note(request, patient_id):
    try:
        add_note(request.user, patient_id, request.POST.get("text", ""))
    except ValidationError as error:
        return _render_patient(request, patient_id, errors=error.message_dict, status=400)
    return redirect("clinic:patient", patient_id=patient_id)
