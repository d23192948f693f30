"""The reference tracker server: the provider API of design.md, served with FastAPI over SQLite.

For development, training, demonstrations and the sync engine's tests; not the national Capacity
Tracker. It validates returns with the same form definitions as the app (ct_desktop.forms).
Modules: app (create_app), api (routes), schemas (bodies), validation, database (the only SQL),
access (tokens, rate limit), errors, submission, cli.
"""
