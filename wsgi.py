"""The WSGI entry point: ``gunicorn wsgi:app``. The only module-level app."""

from tracker import create_app

app = create_app()
