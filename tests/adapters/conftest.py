"""The adapters' tests sign in like the web tests do (the pages that show what came from partners)."""

from tests.web.conftest import sign_in  # noqa: F401  (the fixture)
