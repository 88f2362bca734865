"""Issue 15, item 9: public renditions kept EXIF and JPEG comments (author names, serial numbers,
descriptions, an embedded thumbnail); only GPS was removed from originals, and only from the first
frame of a multi-frame JPEG, with XMP location fields left in.

Images are generated here carrying every kind of metadata each format can hold; then:
- every rendition Wagtail makes (JPEG, PNG, WebP, GIF, AVIF, and conversions between them)
  carries none of it, read both by Pillow and as raw bytes;
- every original keeps its picture but loses every location field, in every frame."""

from __future__ import annotations

import io
import re
import zlib

import pytest
from django.core.files.images import ImageFile
from PIL import Image, PngImagePlugin, features

from redac.core import imagemeta
from redac.core.tests import test_s3_media as s3_tests

GPS_IFD = 0x8825
#: What the metadata says, each a string that must never reach a reader.
SECRETS = {
    "artist": "Jeanne Photographe-Secrète",
    "serial": "SN-99887766",
    "description": "Manif devant chez Martin",
    "comment": "boitier-perso-de-jeanne",
    "city": "Villeurbanne-Lilas",
    "thumbnail": "vignette-intime",
}
XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
    'xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    f'photoshop:City="{SECRETS["city"]}" exif:GPSLatitude="45,46.1N" '
    f'dc:creator="{SECRETS["artist"]}"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)
LOCATION = (SECRETS["city"].encode(), b"GPSLatitude")


def exif_bytes(gps: bool = True) -> bytes:
    exif = Image.Exif()
    exif[0x013B] = SECRETS["artist"]  # Artist
    exif[0x010E] = SECRETS["description"]  # ImageDescription
    exif[0x010F] = "Appareil"  # Make
    exif.get_ifd(0x8769)[0xA431] = SECRETS["serial"]  # BodySerialNumber
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (45.0, 46.0, 1.0), 3: "E", 4: (4.0, 52.0, 9.0)})
    return exif.tobytes()


def picture(mode="RGB", size=(96, 64)) -> Image.Image:
    image = Image.new(mode, size, (200, 40, 40) if mode == "RGB" else 3)
    for x in range(0, size[0], 8):
        for y in range(size[1]):
            image.putpixel((x, y), (20, 20, 220) if mode == "RGB" else 7)
    return image


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def iptc() -> bytes:
    """A Photoshop APP13 block with IPTC-IIM city (2:90) and by-line (2:80)."""
    records = b""
    for dataset, value in ((90, SECRETS["city"]), (80, SECRETS["artist"])):
        data = value.encode()
        records += b"\x1c\x02" + bytes([dataset]) + len(data).to_bytes(2, "big") + data
    resource = b"8BIM\x04\x04\x00\x00" + len(records).to_bytes(4, "big") + records
    return segment(0xED, b"Photoshop 3.0\x00" + resource)


def jpeg_with_everything(frames: int = 1) -> bytes:
    """A JPEG with EXIF (artist, serial, description, GPS), XMP with a place, IPTC with a place,
    a comment, a JFXX thumbnail that has its own GPS; ``frames`` > 1: more pictures after the
    first (multi-picture file), each with its GPS."""
    thumbnail = io.BytesIO()
    picture(size=(16, 16)).save(thumbnail, "JPEG", exif=exif_bytes(),
                                comment=SECRETS["thumbnail"].encode())  # fmt: skip
    out = b""
    for _ in range(frames):
        one = io.BytesIO()
        picture().save(one, "JPEG", quality=90, exif=exif_bytes(), comment=SECRETS["comment"])
        data = one.getvalue()
        extra = (
            segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP.encode())
            + iptc()
            + segment(0xE0, b"JFXX\x00\x13" + thumbnail.getvalue())
        )
        out += data[:2] + extra + data[2:]
    return out


def png_with_everything() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", SECRETS["artist"])
    info.add_text("Comment", SECRETS["comment"], zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP)
    info.add_text("Description", SECRETS["description"] + " " + SECRETS["serial"])
    out = io.BytesIO()
    picture().save(out, "PNG", pnginfo=info, exif=exif_bytes())
    return out.getvalue()


def webp_with_everything() -> bytes:
    out = io.BytesIO()
    picture().save(out, "WEBP", quality=90, exif=exif_bytes(), xmp=XMP.encode())
    return out.getvalue()


def avif_with_everything() -> bytes:
    out = io.BytesIO()
    picture().save(out, "AVIF", quality=90, exif=exif_bytes(), xmp=XMP.encode())
    return out.getvalue()


def gif_with_everything(frames: int = 2) -> bytes:
    """An animated GIF with a comment and an XMP application extension naming a place."""
    out = io.BytesIO()
    images = [picture("P"), picture("P").rotate(180)][:frames]
    images[0].save(out, "GIF", save_all=frames > 1, append_images=images[1:], loop=0,
                   duration=100, comment=SECRETS["comment"].encode())  # fmt: skip
    data = out.getvalue()
    flags = data[10]
    start = 13 + (3 * (2 ** ((flags & 7) + 1)) if flags & 0x80 else 0)
    xmp = XMP.encode()
    blocks = b"".join(bytes([len(xmp[i : i + 255])]) + xmp[i : i + 255]
                      for i in range(0, len(xmp), 255))  # fmt: skip
    application = b"\x21\xff\x0bXMP DataXMP" + blocks + b"\x00"
    return data[:start] + application + data[start:]


FORMATS = {
    "jpeg": jpeg_with_everything,
    "png": png_with_everything,
    "webp": webp_with_everything,
    "gif": gif_with_everything,
}
if features.check("avif"):
    FORMATS["avif"] = avif_with_everything


def all_text(data: bytes) -> bytes:
    """The bytes, plus the uncompressed content of any zlib stream in them (PNG zTXt/iTXt)."""
    found = [data]
    for match in re.finditer(rb"\x78[\x01\x5e\x9c\xda]", data):
        try:
            found.append(zlib.decompressobj().decompress(data[match.start() :], 1 << 20))
        except zlib.error:
            pass
    return b"".join(found)


def assert_no_metadata(data: bytes, what: str):
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        leftovers = {k: v for k, v in image.info.items()
                     if k in ("exif", "xmp", "comment", "photoshop", "iptc", "XML:com.adobe.xmp",
                              "Author", "Comment", "Description")}  # fmt: skip
        assert not leftovers, f"{what}: {sorted(leftovers)}"
        assert not dict(image.getexif()), f"{what}: EXIF {dict(image.getexif())}"
    text = all_text(data)
    for name, secret in SECRETS.items():
        assert secret.encode() not in text, f"{what}: the {name} is still in the file"
    for marker in (b"Exif\x00\x00", b"xpacket", b"8BIM", b"GPS"):
        assert marker not in text, f"{what}: {marker!r} is still in the file"
    if data.startswith(b"\xff\xd8"):
        assert b"\xff\xfe" not in data.split(b"\xff\xda", 1)[0], f"{what}: JPEG comment segment"
        assert data.count(b"\xff\xd8") == 1, f"{what}: a second picture (thumbnail, frame)"


def make_image(data: bytes, name: str):
    from wagtail.images import get_image_model

    return get_image_model().objects.create(title=name, file=ImageFile(io.BytesIO(data), name=name))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(FORMATS))
@pytest.mark.parametrize("spec", ["width-60", "fill-40x40", "max-2000x2000", "width-60|format-png",
                                  "width-60|format-jpeg", "width-60|format-webp"])  # fmt: skip
def test_attack_rendition_metadata_none_in_any_rendition(kind, spec, settings):
    image = make_image(FORMATS[kind](), f"photo.{kind}")
    rendition = image.get_rendition(spec)
    with rendition.file.open("rb") as stored:
        data = stored.read()
    assert_no_metadata(data, f"{kind} rendition {spec}")
    with Image.open(io.BytesIO(data)) as picture_read:
        assert picture_read.size[0] > 0  # still a picture


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_attack_rendition_metadata_no_location_left_in_originals(kind):
    image = make_image(FORMATS[kind](), f"original.{kind}")
    with image.file.open("rb") as stored:
        data = stored.read()
    text = all_text(data)
    for marker in LOCATION:
        assert marker not in text, f"{kind} original: {marker!r} is still in the file"
    for start in (m.start() for m in re.finditer(rb"Exif\x00\x00", data)):
        exif = Image.Exif()
        exif.load(data[start : start + 0xFFFF])
        assert GPS_IFD not in exif, f"{kind} original: a GPS directory is left"
    with Image.open(io.BytesIO(data)) as original:
        original.load()
        assert GPS_IFD not in original.getexif()
        assert original.size == (96, 64)  # the picture itself is kept


@pytest.mark.django_db
def test_attack_rendition_metadata_every_frame_of_a_multi_picture_jpeg():
    data = jpeg_with_everything(frames=3)
    assert data.count(b"GPSLatitude") == 3
    image = make_image(data, "stereo.jpg")
    with image.file.open("rb") as stored:
        kept = stored.read()
    assert b"GPSLatitude" not in kept and SECRETS["city"].encode() not in kept
    for start in (m.start() for m in re.finditer(rb"Exif\x00\x00", kept)):
        exif = Image.Exif()
        exif.load(kept[start : start + 0xFFFF])
        assert GPS_IFD not in exif
    # What is not a place stays in the original (the newsroom may need the photographer's name).
    assert b"Jeanne Photographe" in kept


def test_attack_rendition_metadata_originals_keep_their_pixels_byte_for_byte():
    """Only metadata segments change: the compressed picture is copied, not re-encoded."""
    data = jpeg_with_everything()
    cleaned = imagemeta.strip_location(data)
    scan = data[data.rindex(b"\xff\xda") :]  # the picture's scan (the thumbnail's comes first)
    assert cleaned is not None and cleaned.endswith(scan)
    rendition = imagemeta.strip_metadata(data)
    assert rendition.endswith(scan)


def test_attack_rendition_metadata_garbage_is_left_to_the_upload_checks():
    for data in (b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n\x00", b"RIFF\x00\x00\x00\x00WEBP",
                 b"GIF89a\x01", b"pas une image"):  # fmt: skip
        assert imagemeta.strip_location(data) is None
        assert isinstance(imagemeta.strip_metadata(data), bytes)


#: Media on S3 as docs/scaling.md configures them (fixture ``s3`` of test_s3_media.py).
s3 = s3_tests.s3


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["jpeg", "png", "webp"])
def test_attack_rendition_metadata_none_in_renditions_on_s3(request, kind):
    """The rule holds wherever renditions are stored: on S3 too (public objects)."""
    request.getfixturevalue("s3")
    image = make_image(FORMATS[kind](), f"photo.{kind}")
    rendition = image.get_rendition("width-60")
    with rendition.file.open("rb") as stored:
        assert_no_metadata(stored.read(), f"{kind} rendition on S3")
