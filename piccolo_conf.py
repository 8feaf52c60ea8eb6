"""Piccolo's configuration: the one engine, chosen by DATABASE_URL (see app/config.py)."""

from piccolo.conf.apps import AppRegistry

from app.config import load_settings
from app.db import make_engine

DB = make_engine(load_settings().database_url)

APP_REGISTRY = AppRegistry(apps=["app.piccolo_app"])
