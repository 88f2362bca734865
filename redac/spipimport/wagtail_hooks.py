from wagtail import hooks

from .views import SpipImportGroup, register_policies

register_policies()


@hooks.register("register_admin_viewset")
def register_spip_import_screens():
    return SpipImportGroup()
