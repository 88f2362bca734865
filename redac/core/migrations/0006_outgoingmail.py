"""The mail outbox, formerly the contact app's (issue 19): Django's state only. The table
``contact_outgoingmail`` exists already (contact.0001, altered by contact.0003, which runs
before this one) and keeps its rows."""

import django.utils.timezone
from django.db import migrations, models

import redac.core.models


class Migration(migrations.Migration):
    dependencies = [("core", "0005_media_permissions")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="OutgoingMail",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="créé le"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(default="contact", max_length=40, verbose_name="type"),
                        ),
                        ("to", models.TextField(max_length=2000, verbose_name="destinataires")),
                        (
                            "reply_to",
                            models.EmailField(
                                blank=True, max_length=254, verbose_name="répondre à"
                            ),
                        ),
                        ("subject", models.CharField(max_length=200, verbose_name="objet")),
                        ("body", models.TextField(verbose_name="texte")),
                        (
                            "message_id",
                            models.CharField(
                                default=redac.core.models.new_message_id,
                                max_length=200,
                                unique=True,
                                verbose_name="Message-ID",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "en attente"),
                                    ("sending", "en cours d'envoi"),
                                    ("failed", "échec, nouvel essai prévu"),
                                    ("sent", "envoyé"),
                                    ("abandoned", "abandonné"),
                                ],
                                default="pending",
                                max_length=20,
                                verbose_name="état",
                            ),
                        ),
                        ("attempts", models.PositiveIntegerField(default=0, verbose_name="essais")),
                        (
                            "next_attempt_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="prochain essai"
                            ),
                        ),
                        ("claim_token", models.CharField(blank=True, max_length=32)),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "sent_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="envoyé le"),
                        ),
                        (
                            "last_error",
                            models.TextField(blank=True, verbose_name="dernière erreur"),
                        ),
                        (
                            "source_id",
                            models.BigIntegerField(
                                blank=True, db_column="contact_message_id", db_index=True, null=True
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "courriel sortant",
                        "verbose_name_plural": "courriels sortants",
                        "db_table": "contact_outgoingmail",
                        "ordering": ["created_at", "pk"],
                        "indexes": [
                            models.Index(
                                fields=["status", "next_attempt_at"],
                                name="contact_out_status_a9b47c_idx",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
