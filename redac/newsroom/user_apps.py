"""Wagtail's users app with the newsroom's user screens (``redac.newsroom.users``): the way Wagtail
8 lets a project replace its user views is a subclass of its AppConfig naming another viewset.
Alone in its module: Django takes the AppConfig subclasses it finds in a module as candidates."""

from wagtail.users.apps import WagtailUsersAppConfig


class NewsroomUsersConfig(WagtailUsersAppConfig):
    user_viewset = "redac.newsroom.users.NewsroomUserViewSet"
