from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NewsroomConfig(AppConfig):
    """SPIP's editorial roles and flow on Wagtail's machinery: roles, workflow, trash, scheduling,
    dashboard panels, audit hooks and the admin's login security."""

    name = "redac.newsroom"
    label = "newsroom"
    verbose_name = "Rédaction"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
        from .mail import connect_outbox_notifiers
        from .roles import reapply_roles_after_migrate

        # Later apps (contact, visits) create their permissions after our migration ran: grant
        # them to the roles at every migrate, so the roles are complete whatever the install order.
        post_migrate.connect(reapply_roles_after_migrate, dispatch_uid="newsroom-roles")
        # Workflow e-mails go through the outbox: a mail server outage delays them, loses none.
        connect_outbox_notifiers()
