import pytest
from django.core.management import call_command

from accounts.models import User
from recovery.evaluation import run_sweep
from recovery.levels import Reason
from recovery.models import Alert
from tracker.api.serializers import SIGN_FIELDS
from tracker.models import PainLog, Quality, Workout

pytestmark = pytest.mark.django_db


def test_demo_loads_and_reloads_without_duplicating(capsys):
    call_command("load_demo", verbosity=0)
    first = (User.objects.count(), Workout.objects.count(), PainLog.objects.count())
    call_command("load_demo", verbosity=0)
    assert (User.objects.count(), Workout.objects.count(), PainLog.objects.count()) == first
    assert User.objects.filter(is_physio=True, username="demo_physio").exists()
    assert first[2] >= 20
    assert "demo_physio" in capsys.readouterr().out


def test_the_demo_shows_every_sign_and_raises_every_red_flag():
    call_command("load_demo", verbosity=0)
    missing_signs = [sign for sign in SIGN_FIELDS if not PainLog.objects.filter(**{sign: True}).exists()]
    assert missing_signs == []
    assert set(PainLog.objects.values_list("quality", flat=True)) >= {Quality.SHARP, Quality.SHOOTING}
    run_sweep()  # the demo's logs were flagged due like any others
    assert set(Alert.objects.values_list("reason", flat=True)) == {reason.value for reason in Reason}
