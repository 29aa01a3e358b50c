import pytest
from django.core.management import call_command

from accounts.models import User
from tracker.models import PainLog, Workout

pytestmark = pytest.mark.django_db


def test_demo_loads_and_reloads_without_duplicating(capsys):
    call_command("load_demo", verbosity=0)
    first = (User.objects.count(), Workout.objects.count(), PainLog.objects.count())
    call_command("load_demo", verbosity=0)
    assert (User.objects.count(), Workout.objects.count(), PainLog.objects.count()) == first
    assert User.objects.filter(is_physio=True, username="demo_physio").exists()
    assert first[2] >= 20
    # every emergency screen and sign appears somewhere in the demo
    for flag in ("radiates_to_legs", "numbness_tingling", "difficulty_bending", "worse_at_rest", "both_legs"):
        assert PainLog.objects.filter(**{flag: True}).exists(), flag
    assert PainLog.objects.filter(pain__gte=7).exists()
    assert "demo_physio" in capsys.readouterr().out
