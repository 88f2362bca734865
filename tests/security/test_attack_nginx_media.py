"""Issue 15, item 3: docs/deploy/nginx.conf served the whole media folder: originals (whose name
follows from any public rendition's name) and documents of login-restricted collections went to
anyone, while redac itself refuses them; and renditions and static files, written 0640, were
refused (403) to an nginx running as another user.

The proof runs the shipped nginx.conf with Debian's nginx, its workers as another user than the
files' owner (redac/delivery/tests/test_static_publishing.py, re-exported here)."""

import pytest

from redac.delivery.tests import conftest as delivery_fixtures
from redac.delivery.tests import test_static_publishing as nginx_tests

pytestmark = pytest.mark.django_db

page_cache = delivery_fixtures.page_cache
publish_dir = delivery_fixtures.publish_dir
nginx = nginx_tests.nginx
stored_media = nginx_tests.stored_media

test_attack_nginx_media_never_serves_originals_nor_restricted_documents = (
    nginx_tests.test_nginx_never_serves_originals_nor_documents
)
test_attack_nginx_media_serves_renditions_and_static_files_as_another_user = (
    nginx_tests.test_nginx_serves_renditions_and_static_files_as_another_user
)
test_attack_nginx_media_files_written_public_or_private = (
    nginx_tests.test_media_files_are_written_public_or_private
)
test_attack_nginx_media_files_already_stored_fixed_on_upgrade = (
    nginx_tests.test_files_already_stored_get_the_same_modes_on_upgrade
)
