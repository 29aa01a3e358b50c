from django.core.wsgi import get_wsgi_application

from config.env import load_settings_or_exit

# 3 is gunicorn's "worker failed to boot": its master stops with our one line, rather than
# starting the worker again and again.
load_settings_or_exit(status=3)

application = get_wsgi_application()
