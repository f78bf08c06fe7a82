"""Storage for PIG Desktop, pure Python (no Qt): paths, settings, credentials, history and logging.

Import the submodules directly (``pig_desktop.store.history`` ...); this package imports nothing itself so a
process that only needs history does not pay for loading keyring.
"""
