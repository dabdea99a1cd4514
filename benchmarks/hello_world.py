"""The reference for ``benchmarks/throughput.py``: a one-route Flask hello-world.

Served with the same gunicorn settings as the app, in the same run, so a page's
throughput is read as a share of what the machine gives the thinnest Flask app.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The whole app."""
    return "Hello, world!"
