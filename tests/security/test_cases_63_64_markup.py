"""Security cases 63–64: SPIP link shortcuts (``[texte->url]``) with dangerous schemes, markup and
attribute injection in link text and targets, template syntax, 10 000 brackets; and the editor's
live preview of SPIP markup, which needs an admin login and a CSRF token.

The engine's tests live in redac/typo/tests/test_security.py (pure Python, no database), the
preview's in redac/newsroom/tests/test_editor_comfort.py; they are re-exported here under the
cases' names (written once, run in both places).
"""

from __future__ import annotations

from redac.newsroom.tests.test_editor_comfort import (
    test_spip_preview_renders_for_editors_only as test_case_64_spip_preview_needs_login_and_csrf,
)
from redac.typo.tests.test_security import (
    test_case_63_javascript_link_is_not_an_href,
    test_case_64_attribute_injection_in_target_stays_inside_the_quotes,
    test_case_64_markup_in_link_text_is_escaped_or_sanitised,
    test_case_64_php_in_target_is_not_executed_nor_raw,
    test_case_64_template_syntax_stays_literal,
    test_case_64_ten_thousand_brackets_are_linear_and_literal,
)

__all__ = [
    "test_case_63_javascript_link_is_not_an_href",
    "test_case_64_attribute_injection_in_target_stays_inside_the_quotes",
    "test_case_64_markup_in_link_text_is_escaped_or_sanitised",
    "test_case_64_php_in_target_is_not_executed_nor_raw",
    "test_case_64_template_syntax_stays_literal",
    "test_case_64_ten_thousand_brackets_are_linear_and_literal",
    "test_case_64_spip_preview_needs_login_and_csrf",
]
