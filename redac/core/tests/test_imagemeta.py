"""redac.core.imagemeta reads untrusted files: whatever the bytes, it answers (never raises, never
loops), and on real pictures it changes metadata only, never a pixel."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from redac.core import imagemeta

FORMATS = ["JPEG", "PNG", "WEBP", "GIF"]


def picture_bytes(kind: str, text: str, size: tuple[int, int]) -> bytes:
    image = Image.new("RGB" if kind != "GIF" else "P", size, 5 if kind == "GIF" else (9, 90, 200))
    exif = Image.Exif()
    exif[0x013B] = text or "x"
    exif.get_ifd(0x8825).update({1: "N", 2: (1.0, 2.0, 3.0)})
    options = {"GIF": {"comment": text.encode() or b"x"},
               "PNG": {"exif": exif.tobytes()},
               "WEBP": {"exif": exif.tobytes(), "lossless": True},
               "JPEG": {"exif": exif.tobytes(), "comment": text or "x", "quality": 95}}[kind]  # fmt: skip
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def pixels(data: bytes):
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").tobytes()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(FORMATS), st.text(max_size=200),
       st.tuples(st.integers(1, 40), st.integers(1, 40)))  # fmt: skip
def test_only_metadata_changes_never_a_pixel(kind, text, size):
    data = picture_bytes(kind, text, size)
    rendition = imagemeta.strip_metadata(data)
    assert pixels(rendition) == pixels(data)
    original = imagemeta.strip_location(data)
    if original is not None:
        assert pixels(original) == pixels(data)
        with Image.open(io.BytesIO(original)) as cleaned:
            assert 0x8825 not in cleaned.getexif()


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FORMATS), st.data())
def test_any_damage_to_a_picture_gets_an_answer(kind, data):
    """Truncated, cut or overwritten anywhere: bytes back (or None), never an exception."""
    good = picture_bytes(kind, "abc", (12, 9))
    start = data.draw(st.integers(0, len(good)))
    end = data.draw(st.integers(start, len(good)))
    junk = data.draw(st.binary(max_size=64))
    damaged = good[:start] + junk + good[end:]
    assert isinstance(imagemeta.strip_metadata(damaged), bytes)
    assert imagemeta.strip_location(damaged) is None or isinstance(
        imagemeta.strip_location(damaged), bytes
    )


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([b"\xff\xd8", imagemeta.PNG_SIGNATURE, b"RIFF\x10\x00\x00\x00WEBP",
                        b"GIF89a", b""]), st.binary(max_size=2000))  # fmt: skip
def test_any_bytes_behind_a_signature_get_an_answer(signature, tail):
    data = signature + tail
    assert isinstance(imagemeta.strip_metadata(data), bytes)
    cleaned = imagemeta.strip_location(data)
    assert cleaned is None or isinstance(cleaned, bytes)
