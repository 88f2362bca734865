"""Events from SPIP's « Agenda » plugin (``spip_evenements``), for the SPIP importer to call.

The importer's reader hands over the table's rows as dicts (and the keyword links of
``spip_mots_liens`` where ``objet = 'evenement'``); :func:`read_events` turns them into plain
:class:`SpipEvent` data, :func:`import_events` into event pages. What the plugin does, kept:

- an event belongs to an article (``id_article``): it is filed in that article's section, and its
  text links to the article with SPIP's own shortcut (``[->art12]``, resolved like any other);
- dates are the site's local wall-clock times; ``horaire = 'non'`` means whole days;
- a repetition is its own row pointing at its source (``id_evenement_source``): each stays a
  separate event, as in SPIP (their dates were chosen one by one, with no rule to recover);
- ``statut``: ``publie`` is published, ``prop``/``prepa`` become drafts, ``poubelle`` is left out;
- running the import again updates the same pages (``import_ref = spip:evenement:<id>``).

The hook into the importer (and old ``spip.php?page=evenement`` addresses, which the importer's
``legacy`` module maps) is the importer's side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SpipEvent:
    id: int
    article_id: int
    title: str
    start: dt.datetime
    end: dt.datetime | None
    all_day: bool
    descriptif: str = ""
    place: str = ""
    address: str = ""
    published: bool = True
    source_id: int = 0
    capacity: int | None = None
    keyword_ids: tuple[int, ...] = field(default_factory=tuple)


def _datetime(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    text = str(value or "").strip()
    if not text or text.startswith("0000"):
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("T", " ")).replace(tzinfo=None)
    except ValueError:
        return None


def read_events(rows: Iterable[dict], keyword_links: dict[int, list[int]] | None = None
                ) -> list[SpipEvent]:  # fmt: skip
    """The plugin's rows as plain data; rows without a usable start date or in the bin are left
    out (SPIP shows them nowhere)."""
    keyword_links = keyword_links or {}
    events = []
    for row in rows:
        start = _datetime(row.get("date_debut"))
        status = str(row.get("statut") or "publie")
        if start is None or status in ("poubelle", "refuse"):
            continue
        ident = int(row["id_evenement"])
        places = int(row.get("places") or 0)
        events.append(SpipEvent(
            id=ident, article_id=int(row.get("id_article") or 0),
            title=str(row.get("titre") or "").strip() or f"Évènement {ident}",
            start=start, end=_datetime(row.get("date_fin")),
            all_day=str(row.get("horaire") or "oui") == "non",
            descriptif=str(row.get("descriptif") or ""), place=str(row.get("lieu") or ""),
            address=str(row.get("adresse") or ""), published=status == "publie",
            source_id=int(row.get("id_evenement_source") or 0),
            capacity=places if places > 0 else None,
            keyword_ids=tuple(keyword_links.get(ident, ())),
        ))  # fmt: skip
    return events


def page_fields(event: SpipEvent) -> dict:
    """What an event page holds of a SPIP event."""
    end = event.end if event.end and event.end >= event.start else None
    fields = {
        "title": event.title[:255],
        "descriptif": event.descriptif[:2000],
        "start_date": event.start.date(),
        "start_time": None if event.all_day else event.start.time().replace(microsecond=0),
        "end_date": end.date() if end and end.date() != event.start.date() else None,
        "end_time": None if event.all_day or end is None else end.time().replace(microsecond=0),
        "place_name": event.place[:255],
        "place_address": event.address[:1000],
        "capacity": event.capacity,
    }
    if fields["end_date"] is None and fields["end_time"] and fields["start_time"]:
        if fields["end_time"] < fields["start_time"]:
            fields["end_time"] = None  # SPIP allowed it; an end before the start is no end
    body = []
    if event.article_id:
        body.append(("spip", f"[->art{event.article_id}]"))
    fields["body"] = body
    return fields


def import_events(events: Iterable[SpipEvent], *, parent_for_article: Callable,
                  keyword_for: Callable = lambda ident: None) -> dict[int, object]:  # fmt: skip
    """Create or update one event page per SPIP event. ``parent_for_article(id_article)`` gives
    the section to file it in (None: the event is skipped, its article was not imported);
    ``keyword_for(id_mot)`` the imported keyword. Returns the pages by SPIP id."""
    from .models import EventPage

    pages = {}
    for event in events:
        parent = parent_for_article(event.article_id)
        if parent is None:
            continue
        ref = f"spip:evenement:{event.id}"
        fields = page_fields(event)
        page = EventPage.objects.filter(import_ref=ref).first()
        if page is None:
            page = EventPage(import_ref=ref, live=event.published, **fields)
            parent.add_child(instance=page)
        else:
            for name, value in fields.items():
                setattr(page, name, value)
        page.keywords = [k for k in (keyword_for(i) for i in event.keyword_ids) if k is not None]
        revision = page.save_revision()
        if event.published:
            revision.publish()
        pages[event.id] = EventPage.objects.get(pk=page.pk)
    return pages
