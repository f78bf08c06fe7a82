"""PIG Desktop: check CINX Partner Integration Gateway jobs from the desktop."""

__version__ = "0.1.0"
APP_NAME = "pig-desktop"
APP_DISPLAY_NAME = "PIG Desktop"
