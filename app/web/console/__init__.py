"""The staff console. Every module here with a `ROUTES` list is mounted by app/main.py."""
