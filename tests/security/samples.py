"""Hostile and ordinary files for the security tests, built in memory (nothing shipped)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image

GPS_IFD = 0x8825


def jpeg(size=(64, 48), gps: bool = False, color=(200, 30, 30)) -> bytes:
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "Appareil"  # Make: ordinary metadata, kept
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 29.6), 3: "E", 4: (2.0, 17.0, 40.2)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def png(size=(32, 32), gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (10, 120, 200))
    out = io.BytesIO()
    options = {}
    if gps:
        exif = Image.Exif()
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 29.6)})
        options["exif"] = exif.tobytes()
    image.save(out, "PNG", **options)
    return out.getvalue()


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        return GPS_IFD in exif and bool(exif.get_ifd(GPS_IFD))


def png_bomb(width=50_000, height=50_000) -> bytes:
    """A valid PNG header announcing width x height grey pixels, with a tiny (truncated) IDAT:
    the classic decompression bomb shape, a few hundred bytes on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * width
    body = zlib.compress(row * 16, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def gif_js_polyglot() -> bytes:
    """GIF89a header whose width/height bytes open a JavaScript comment: valid JS, "GIF" magic."""
    return b"GIF89a/*\x00\x00\x00\x00\x00\x00\x00\x00*/=1;alert(document.domain);//\x3b"


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(document.cookie)</script></svg>"
    )


def xxe_xml() -> bytes:
    return b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'


def billion_laughs() -> bytes:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    return f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY l0 "lol">{entities}]><x>&l9;</x>'.encode()


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def office(kind: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal docx/xlsx/odt/ods container (the parts the check looks at)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        if kind in ("odt", "ods"):
            mime = {"odt": "text", "ods": "spreadsheet"}[kind]
            z.writestr(zipfile.ZipInfo("mimetype"), f"application/vnd.oasis.opendocument.{mime}")
            z.writestr("content.xml", "<office:document-content/>")
        else:
            folder = {"docx": "word", "xlsx": "xl"}[kind]
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr(f"{folder}/document.xml", "<document/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def zip_bomb(uncompressed=210 * 1024 * 1024) -> bytes:
    """A docx whose one member inflates to 210 MB (a few hundred KB compressed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\x00" * (1024 * 1024)
            for _ in range(uncompressed // len(block)):
                member.write(block)
    return out.getvalue()
