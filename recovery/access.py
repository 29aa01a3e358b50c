"""Which alerts a user may see: the one place alert querysets are scoped."""

from recovery.models import Alert


def own_alerts(user):
    return Alert.objects.filter(workout__owner=user)
