"""The captured reference text (../shared/reference/seed-page.md), entered as a brève, renders with
its « guillemets » and its paragraphs intact."""

import html as html_lib
import re

import pytest

from redac.news.models import BreveIndexPage, BrevePage

pytestmark = pytest.mark.django_db


def reference_paragraphs(shared_dir):
    text = (shared_dir / "reference" / "seed-page.md").read_text(encoding="utf-8")
    block = text.split("```text", 1)[1].split("```", 1)[0]
    start = block.index("La visite du Premier ministre")
    body = block[start : block.index("Contactez-nous")].strip()
    return [p.strip() for p in body.split("\n\n") if p.strip()]


def normalise(text: str) -> str:
    text = html_lib.unescape(re.sub(r"<[^>]+>", "", text))
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).replace("’", "'").strip()


@pytest.mark.parametrize("block_type", ["spip", "paragraph"])
def test_reference_text_renders_with_guillemets_and_paragraphs(client, demo, shared_dir,
                                                              block_type):  # fmt: skip
    paragraphs = reference_paragraphs(shared_dir)
    assert len(paragraphs) == 5
    if block_type == "spip":
        body = [("spip", "\n\n".join(paragraphs))]
    else:
        body = [("paragraph", "".join(f"<p>{html_lib.escape(p)}</p>" for p in paragraphs))]
    listing = BreveIndexPage.objects.get()
    breve = BrevePage(title="Vers un partenariat stratégique russo-japonais", slug="seed",
                      body=body)  # fmt: skip
    listing.add_child(instance=breve)
    breve.save_revision().publish()

    html = client.get(breve.url).content.decode()
    rendered = re.findall(r"<p>(.*?)</p>", html.split('class="item__body')[1], re.S)
    assert [normalise(p) for p in rendered] == [normalise(p) for p in paragraphs]
    assert html.count("«") + html.count("&laquo;") + html.count("&#171;") >= 8
    assert "13 milliards de dollars" in normalise(html)
