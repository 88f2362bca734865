"""Security cases 48–52: the admin's authorisation, persona by persona.

The tests live where the features are built — the newsroom's roles and admin views
(redac/newsroom/tests/), the contact inbox (redac/contact/tests/) — and are re-exported here under
the cases' names, so that ``pytest tests/security`` runs them (written once, run in both places).

- 48: publish, delete, site settings and section assignment refused without a CSRF token and from
  a foreign Origin; admin pages cannot be framed.
- 49: an administrator restricted to section A is refused every view of a page in section B
  (edit, history, revisions, compare, revert, copy, move, preview, delete, unpublish, workflow
  history), by GET and by the POSTs that act.
- 50: the contact inbox (list, detail, export, per-person export and erase, mark handled, delete)
  belongs to the « Messages » group and the Webmestre, for every persona.
- 51: site settings, users, groups, snippets and the three user bulk actions by persona; no admin
  form relies on a per-field permission.
- 52: choosers, « chosen » endpoints, edit/usage views, the image preview and URL generator, and
  the admin API return only a limited editor's collections; documents under a collection view
  restriction are not served to readers.
"""

from __future__ import annotations

from redac.contact.tests.test_inbox_by_persona import (  # noqa: F401 (fixtures)
    as_persona,
    inbox_message,
)
from redac.contact.tests.test_inbox_by_persona import (
    test_handling_and_deleting_messages_by_persona as test_case_50_handling_and_deleting_messages_by_persona,  # noqa: E501
)
from redac.contact.tests.test_inbox_by_persona import (
    test_reading_and_exporting_messages_by_persona as test_case_50_reading_and_exporting_messages_by_persona,  # noqa: E501
)
from redac.contact.tests.test_inbox_by_persona import (
    test_the_inbox_menu_item_follows_the_same_rights as test_case_50_inbox_menu_item_by_persona,
)
from redac.newsroom.tests.test_admin_csrf_and_framing import (
    test_case_48_admin_pages_cannot_be_framed,
    test_case_48_delete_refused_without_token_or_from_another_origin,
    test_case_48_publish_refused_without_token_or_from_another_origin,
    test_case_48_settings_and_roles_refused_without_token_or_from_another_origin,
    test_case_48_the_login_page_cannot_be_framed,
)
from redac.newsroom.tests.test_admin_views_by_persona import (
    test_image_chooser_lists_images_only_for_roles_with_collection_rights as test_case_52_image_chooser_by_persona,  # noqa: E501
)
from redac.newsroom.tests.test_admin_views_by_persona import (
    test_no_field_of_an_admin_form_relies_on_a_per_field_permission as test_case_51_no_per_field_permission_to_bypass,  # noqa: E501
)
from redac.newsroom.tests.test_admin_views_by_persona import (
    test_only_the_webmestre_reaches_user_bulk_actions as test_case_51_user_bulk_actions_refused_to_others,  # noqa: E501
)
from redac.newsroom.tests.test_admin_views_by_persona import (
    test_page_views_follow_the_sections as test_case_49_page_views_follow_the_sections,
)
from redac.newsroom.tests.test_admin_views_by_persona import (
    test_restricted_admin_cannot_copy_move_delete_or_preview_a_page_of_another_section as test_case_49_copy_move_delete_preview_of_another_section_refused,  # noqa: E501
)
from redac.newsroom.tests.test_admin_views_by_persona import (
    test_restricted_admin_cannot_publish_in_another_section as test_case_49_unpublish_in_another_section_refused,  # noqa: E501
)
from redac.newsroom.tests.test_admin_views_by_persona import (
    test_site_settings_edit_by_persona as test_case_51_site_settings_edit_by_persona,
)
from redac.newsroom.tests.test_admin_views_by_persona import (
    test_snippets_users_and_settings_by_persona as test_case_51_snippets_users_and_settings_by_persona,  # noqa: E501
)
from redac.newsroom.tests.test_admin_views_by_persona import (
    test_webmestre_reaches_user_bulk_actions as test_case_51_user_bulk_actions_work_for_the_webmestre,  # noqa: E501
)
from redac.newsroom.tests.test_restricted_collections import (  # noqa: F401 (fixture)
    collections,
)
from redac.newsroom.tests.test_restricted_collections import (
    test_a_document_in_a_restricted_collection_is_not_served_to_readers as test_case_52_restricted_collection_documents_not_served,  # noqa: E501
)
from redac.newsroom.tests.test_restricted_collections import (
    test_an_item_of_another_collection_is_refused_by_every_view as test_case_52_item_of_another_collection_refused_by_every_view,  # noqa: E501
)
from redac.newsroom.tests.test_restricted_collections import (
    test_choosers_list_only_the_permitted_collection as test_case_52_choosers_list_only_the_permitted_collection,  # noqa: E501
)
from redac.newsroom.tests.test_restricted_collections import (
    test_the_admin_api_lists_only_the_permitted_collection as test_case_52_admin_api_lists_only_the_permitted_collection,  # noqa: E501
)
from redac.newsroom.tests.test_restricted_collections import (
    test_the_image_preview_needs_admin_access as test_case_52_image_preview_needs_admin_access,
)
from redac.newsroom.tests.test_restricted_collections import (
    test_the_same_views_work_on_the_permitted_collection as test_case_52_same_views_work_on_the_permitted_collection,  # noqa: E501
)

__all__ = [
    "test_case_50_handling_and_deleting_messages_by_persona",
    "test_case_50_reading_and_exporting_messages_by_persona",
    "test_case_50_inbox_menu_item_by_persona",
    "test_case_48_admin_pages_cannot_be_framed",
    "test_case_48_delete_refused_without_token_or_from_another_origin",
    "test_case_48_publish_refused_without_token_or_from_another_origin",
    "test_case_48_settings_and_roles_refused_without_token_or_from_another_origin",
    "test_case_48_the_login_page_cannot_be_framed",
    "test_case_52_image_chooser_by_persona",
    "test_case_51_no_per_field_permission_to_bypass",
    "test_case_51_user_bulk_actions_refused_to_others",
    "test_case_49_page_views_follow_the_sections",
    "test_case_49_copy_move_delete_preview_of_another_section_refused",
    "test_case_49_unpublish_in_another_section_refused",
    "test_case_51_site_settings_edit_by_persona",
    "test_case_51_snippets_users_and_settings_by_persona",
    "test_case_51_user_bulk_actions_work_for_the_webmestre",
    "test_case_52_restricted_collection_documents_not_served",
    "test_case_52_item_of_another_collection_refused_by_every_view",
    "test_case_52_choosers_list_only_the_permitted_collection",
    "test_case_52_admin_api_lists_only_the_permitted_collection",
    "test_case_52_image_preview_needs_admin_access",
    "test_case_52_same_views_work_on_the_permitted_collection",
]
