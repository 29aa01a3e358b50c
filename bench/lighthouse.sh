#!/usr/bin/env bash
# Lighthouse 12.2.3 (bench/lighthouse/package-lock.json) with Debian's Chromium, mobile profile
# (Lighthouse's default: a mid-range phone, simulated slow 4G), on the PWA's main screens,
# served the production way: DEBUG=0, gunicorn, WhiteNoise's compressed, hashed static files.
# Prints, per screen, `performance: N`, `accessibility: N`, `best-practices: N` and
# `first-load-kb: N` (every byte transferred on a cold load, icons excluded).
#
#   bash bench/lighthouse.sh            # needs npm and /usr/bin/chromium; PORT=8799 by default
#
# It uses a throw-away SQLite database and VAR_DIR under bench/out/lighthouse/, and a demo user
# with a workout, three days of logs and an alert; bench/lighthouse/run.mjs gives each run a fresh
# browser profile (a cold first load) holding only that user's session cookie.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out/lighthouse
PORT=${PORT:-8799}
BASE=http://localhost:$PORT
PY=$ROOT/.venv/bin/python
CHROMIUM=${CHROME_PATH:-/usr/bin/chromium}
SCREENS=(/signin/ / /plan/ /alerts/ /history/ /settings/ /workouts/new/)

[ -x "$CHROMIUM" ] || { echo "Lighthouse needs Chromium at $CHROMIUM (apt-get install chromium)" >&2; exit 1; }
command -v npm >/dev/null || { echo "Lighthouse comes from npm (apt-get install npm)" >&2; exit 1; }
(cd bench/lighthouse && npm ci --no-audit --no-fund --loglevel=error)

rm -rf "$OUT"
mkdir -p "$OUT/var"
export DEBUG=0 SECRET_KEY=lighthouse-bench-only-not-a-secret ALLOWED_HOSTS=localhost,127.0.0.1 \
  SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 VAR_DIR=$OUT/var DATABASE_URL=sqlite:///$OUT/var/db.sqlite3 LOG_LEVEL=WARNING
unset REDIS_URL
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py collectstatic --noinput -v0
SESSION=$("$PY" manage.py shell -v0 -c '
import datetime
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
from recovery.levels import Level, Reason
from recovery.models import Alert
from tracker.models import Exercise, PainLog, Workout
user = User.objects.create_user("lighthouse", password="lighthouse bench password")
today = user.local_today()
workout = Workout.objects.create(owner=user, performed_on=today - datetime.timedelta(days=2), title="Pull day", intensity=8)
Exercise.objects.create(workout=workout, position=0, name="Bent-over row", load_kg=60, sets=3, reps=8)
for day, pain in ((0, 3), (1, 5), (2, 4)):
    PainLog.objects.create(workout=workout, logged_on=workout.performed_on + datetime.timedelta(days=day), pain=pain,
                           radiates_to_legs=day == 2)
Alert.objects.create(workout=workout, reason=Reason.RADIATING_PAIN.value, level=Level.SEE_DOCTOR.value,
                     message="Pain spreading into a leg should be checked by a doctor or physiotherapist.")
session = SessionStore()
session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
')

"$ROOT/.venv/bin/gunicorn" config.wsgi -b "127.0.0.1:$PORT" --workers 2 --no-control-socket --log-level warning &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fsS -o /dev/null "$BASE/healthz/" 2>/dev/null && break; sleep 0.2; done

for screen in "${SCREENS[@]}"; do
  name=$(echo "$screen" | tr -c 'a-z0-9\n' '-' | sed 's/^-*$/today/; s/^-//; s/-$//')
  cookie=$SESSION
  [ "$screen" = /signin/ ] && cookie=
  CHROME_PATH=$CHROMIUM node bench/lighthouse/run.mjs "$BASE$screen" "$cookie" "$OUT/$name.json"
  echo "== $screen"
  "$PY" - "$OUT/$name.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for key in ("performance", "accessibility", "best-practices"):
    score = report["categories"][key]["score"]
    print(f"{key}: {'error' if score is None else round(score * 100)}")
requests = report["audits"]["network-requests"]["details"]["items"]
size = sum(r.get("transferSize") or 0 for r in requests if "/icons/" not in r["url"])
print(f"first-load-kb: {size / 1024:.1f}")
for key in ("performance", "accessibility", "best-practices"):
    for ref in report["categories"][key]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            print(f"  {key} below 100: {ref['id']} ({audit['score']})")
PY
done
