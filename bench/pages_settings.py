"""Bench-only settings: the product's settings with the reference view's URLconf on top.

Used by pages_bench.py for the gunicorn it starts; never by the product."""

from setia.settings import *  # noqa: F403

ROOT_URLCONF = "pages_urls"
