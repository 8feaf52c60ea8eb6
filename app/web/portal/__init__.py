"""The applicant portal: public pages, the apply form, and the candidate's own page.
Every module here with a `ROUTES` list is mounted by app/main.py."""
