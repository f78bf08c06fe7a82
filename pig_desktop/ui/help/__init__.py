"""Help menu: the bundled user guide, the keyboard shortcuts, "Report a problem" and About."""

from pig_desktop.ui.help.controller import HelpController

__all__ = ["HelpController"]
