"""The jobs tests/helpers/notify_driver.py finishes, shared with tests/x11/test_tray_notify.py."""

SERVER = "https://sandbox.example.test"
GROUP_OK = "97b96860-ca73-4f8e-b6ba-37ce9f256871"
GROUP_BAD = "3f1c2a9e-5b7d-4e21-9c3a-8d6f0b2e4a17"
HOSTILE_JOB = "5a2b7c9d-1e3f-4a5b-8c7d-9e0f1a2b3c4d"
# Server text that a markup-reading notification service would turn into bold text and a link if not escaped.
HOSTILE_APP = '<b>x</b> & <a href="https://evil.example/">click</a>'
SINGLE_OK = "c0ffee00-1234-4abc-9def-0123456789ab"
