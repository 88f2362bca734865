"""Metadata out of image files, at the level of the file's structure (segments, chunks, blocks):
the compressed picture is copied byte for byte, never decoded and re-encoded.

Two rules, for the two kinds of files (docs/security.md, issue 15):

- a **rendition** (what readers download) keeps only what draws the picture: for each format an
  allow-list of segments or chunks (the colour profile is kept, so colours do not change); EXIF,
  XMP, IPTC, comments, embedded thumbnails, the other frames of a multi-picture JPEG and anything
  unknown go. :func:`strip_metadata`.
- an **original** (private, kept for the editors) loses every location field and nothing else:
  GPS in the EXIF of every frame, XMP and IPTC blocks naming a place. :func:`strip_location`.

Why not a library: exiftool is Perl and a subprocess per image; piexif is unmaintained and knows
JPEG only; Pillow re-encodes (a second JPEG compression) and writes back some of what it read
(comments, EXIF) by itself. Pillow is used only to re-serialise an EXIF block without its GPS
directory, and as the last resort for formats this module does not parse (AVIF, HEIC...).
"""

from __future__ import annotations

import io
import re
import zlib

GPS_IFD = 0x8825
EXIF_HEADER = b"Exif\x00\x00"
XMP_HEADERS = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")
#: Names of location fields in XMP (exif:GPS*, photoshop:City/State/Country, Iptc4xmpCore:Location,
#: Iptc4xmpExt:LocationCreated/LocationShown/Sublocation/ProvinceState/CountryCode, geo
#: namespaces...): a packet holding any of them is dropped from originals.
XMP_LOCATION = re.compile(
    rb"GPS|Location|Sublocation|City|Country|ProvinceState|photoshop:State|Latitude|Longitude"
    rb"|geo:|Iptc4xmpExt:City",
    re.I,
)
#: IPTC-IIM datasets of record 2 that name a place: 90 city, 92 sub-location, 95 province/state,
#: 100 country code, 101 country name.
IPTC_LOCATION = re.compile(rb"\x1c\x02[\x5a\x5c\x5f\x64\x65]")


class NotParsed(ValueError):
    """The file does not have the structure its signature announces."""


# --- JPEG ----------------------------------------------------------------------------------------

_SOS, _EOI, _SOI, _COM = 0xDA, 0xD9, 0xD8, 0xFE
#: Segments that draw the picture: frames (SOFn), tables (DHT, DAC, DQT), restart interval, scans.
_JPEG_STRUCTURE = {*range(0xC0, 0xD0), 0xDB, 0xDD, 0xDC, 0xDE, 0xDF}


def _jpeg_frames(data: bytes) -> list[list[tuple[int, bytes]]]:
    """The images of a JPEG file (several for a multi-picture file, MPO) as lists of (marker,
    bytes) in file order; a scan's entropy-coded data is kept with its SOS segment."""
    frames, i, n = [], 0, len(data)
    while i + 2 <= n and data[i : i + 2] == b"\xff\xd8":
        segments, i = [(_SOI, b"\xff\xd8")], i + 2
        while True:
            if i + 2 > n or data[i] != 0xFF:
                raise NotParsed("JPEG: no marker where one must be")
            marker = data[i + 1]
            if marker == 0xFF:  # fill byte
                i += 1
                continue
            if marker == _EOI:
                segments.append((_EOI, b"\xff\xd9"))
                i += 2
                break
            if 0xD0 <= marker <= 0xD7 or marker == 0x01:
                segments.append((marker, data[i : i + 2]))
                i += 2
                continue
            if i + 4 > n:
                raise NotParsed("JPEG: truncated segment")
            end = i + 2 + int.from_bytes(data[i + 2 : i + 4], "big")
            if end > n:
                raise NotParsed("JPEG: truncated segment")
            if marker == _SOS:  # then entropy-coded data, up to the next real marker
                j = end
                while True:
                    j = data.find(b"\xff", j)
                    if j < 0 or j + 1 >= n:
                        raise NotParsed("JPEG: scan without end")
                    following = data[j + 1]
                    if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                        j += 1 if following == 0xFF else 2
                        continue
                    break
                end = j
            segments.append((marker, data[i:end]))
            i = end
        frames.append(segments)
        while i < n and data[i] == 0x00:  # padding between the pictures of an MPO file
            i += 1
    if not frames:
        raise NotParsed("JPEG: no start of image")
    return frames


def _jfif_without_thumbnail(segment: bytes) -> bytes:
    payload = segment[4:]
    if len(payload) < 14:
        return segment
    payload = payload[:12] + b"\x00\x00"  # Xthumbnail = Ythumbnail = 0, no thumbnail pixels
    return b"\xff\xe0" + (len(payload) + 2).to_bytes(2, "big") + payload


def _jpeg_metadata_free(frame: list[tuple[int, bytes]]) -> bytes:
    out = []
    for marker, segment in frame:
        payload = segment[4:]
        if marker in (_SOI, _EOI, _SOS) or marker in _JPEG_STRUCTURE or 0xD0 <= marker <= 0xD7:
            out.append(segment)
        elif marker == 0xE0 and payload.startswith(b"JFIF\x00"):
            out.append(_jfif_without_thumbnail(segment))
        elif marker == 0xE2 and payload.startswith(b"ICC_PROFILE\x00"):
            out.append(segment)  # the colour profile: the picture's colours depend on it
        elif marker == 0xEE and payload.startswith(b"Adobe"):
            out.append(segment)  # colour transform of CMYK/YCCK pictures
        # Everything else goes: APP1 (EXIF, XMP), APP13 (IPTC), COM, APP2 MPF, JFXX thumbnails...
    return b"".join(out)


def _exif_without_gps(payload: bytes) -> bytes | None:
    """An EXIF block (``Exif\\0\\0`` + TIFF) without its GPS directory; None to drop it whole."""
    from PIL import Image as PILImage

    exif = PILImage.Exif()
    try:
        exif.load(payload)
        if GPS_IFD not in exif:
            return payload
        exif.get_ifd(0x8769)  # keep the camera sub-directory when re-serialised
        del exif[GPS_IFD]
        new = exif.tobytes()
    except Exception:  # noqa: BLE001 - unreadable EXIF: it is metadata, drop it
        return None
    return new if new.startswith(EXIF_HEADER) else EXIF_HEADER + new


def _jpeg_location_free(frame: list[tuple[int, bytes]]) -> bytes:
    out = []
    for marker, segment in frame:
        payload = segment[4:]
        if marker == 0xE1 and payload.startswith(EXIF_HEADER):
            cleaned = _exif_without_gps(payload)
            if cleaned is None or len(cleaned) + 2 > 0xFFFF:
                continue
            segment = b"\xff\xe1" + (len(cleaned) + 2).to_bytes(2, "big") + cleaned
        elif marker == 0xE1 and payload.startswith(XMP_HEADERS) and XMP_LOCATION.search(payload):
            continue
        elif marker == 0xED and IPTC_LOCATION.search(payload):
            continue
        elif (
            marker == 0xE0
            and not payload.startswith(b"JFIF\x00")
            and (b"Exif\x00\x00" in payload or XMP_LOCATION.search(payload))
        ):
            continue  # an embedded thumbnail (JFXX) with its own EXIF or place
        elif marker == 0xE2 and payload.startswith(b"MPF\x00"):
            continue  # offsets of the other pictures, which an original does not keep
        out.append(segment)
    return b"".join(out)


# --- PNG -----------------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Chunks that draw the picture (critical ones, transparency, colour, animation, pixel size).
PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT",
            b"sRGB", b"cICP", b"mDCV", b"cLLI", b"bKGD", b"hIST", b"pHYs", b"sPLT", b"acTL",
            b"fcTL", b"fdAT"}  # fmt: skip


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, i = [], len(PNG_SIGNATURE)
    while i + 12 <= len(data):
        length = int.from_bytes(data[i : i + 4], "big")
        kind = data[i + 4 : i + 8]
        end = i + 12 + length
        if end > len(data):
            raise NotParsed("PNG: truncated chunk")
        chunks.append((kind, data[i:end]))
        i = end
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR":
        raise NotParsed("PNG: no header chunk")
    return chunks


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def _png_text(chunk: bytes) -> bytes:
    """A text chunk's text, uncompressed when it is compressed (bounded)."""
    kind, body = chunk[4:8], chunk[8:-4]
    try:
        if kind == b"zTXt":
            keyword, _, rest = body.partition(b"\x00")
            return keyword + b" " + zlib.decompressobj().decompress(rest[1:], 4 << 20)
        if kind == b"iTXt":
            keyword, _, rest = body.partition(b"\x00")
            compressed, rest = rest[0], rest[2:]
            _language, _, rest = rest.partition(b"\x00")
            _translated, _, text = rest.partition(b"\x00")
            if compressed:
                text = zlib.decompressobj().decompress(text, 4 << 20)
            return keyword + b" " + text
    except (zlib.error, IndexError):
        return b"GPS"  # unreadable: treated as holding a location (dropped)
    return body


# --- WebP ----------------------------------------------------------------------------------------

WEBP_KEEP = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def _webp_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise NotParsed("WebP: no RIFF header")
    chunks, i = [], 12
    while i + 8 <= len(data):
        size = int.from_bytes(data[i + 4 : i + 8], "little")
        end = i + 8 + size + (size & 1)
        if i + 8 + size > len(data):
            raise NotParsed("WebP: truncated chunk")
        chunks.append((data[i : i + 4], data[i : min(end, len(data))]))
        i = end
    return chunks


def _webp_join(chunks: list[bytes]) -> bytes:
    flags_off = 0
    names = {chunk[:4] for chunk in chunks}
    if b"EXIF" not in names:
        flags_off |= _VP8X_EXIF
    if b"XMP " not in names:
        flags_off |= _VP8X_XMP
    out = []
    for chunk in chunks:
        if chunk[:4] == b"VP8X" and len(chunk) > 8:
            chunk = chunk[:8] + bytes([chunk[8] & ~flags_off & 0xFF]) + chunk[9:]
        out.append(chunk)
    body = b"WEBP" + b"".join(out)
    return b"RIFF" + len(body).to_bytes(4, "little") + body


# --- GIF -----------------------------------------------------------------------------------------

#: Application extensions that change how the picture plays or looks: the loop count and the
#: colour profile. Others (XMP DataXMP, editors' private data) go.
GIF_APPLICATIONS = (b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012")


def _gif_blocks(data: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """(header with the global colour table, [(kind, bytes)]) up to the trailer."""
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise NotParsed("GIF: no header")
    flags = data[10]
    i = 13 + (3 * (2 ** ((flags & 7) + 1)) if flags & 0x80 else 0)
    head, blocks = data[:i], []

    def sub_blocks(j: int) -> int:
        while True:
            if j >= len(data):
                raise NotParsed("GIF: truncated data")
            size = data[j]
            j += 1 + size
            if size == 0:
                return j

    while i < len(data):
        introducer = data[i]
        if introducer == 0x3B:
            blocks.append(("trailer", b"\x3b"))
            break
        if introducer == 0x21:
            label = data[i + 1]
            end = sub_blocks(i + 2)
            kind = {0xF9: "control", 0xFE: "comment", 0xFF: "application", 0x01: "text"}.get(
                label, "unknown"
            )
            blocks.append((kind, data[i:end]))
            i = end
        elif introducer == 0x2C:
            local = data[i + 9]
            j = i + 10 + (3 * (2 ** ((local & 7) + 1)) if local & 0x80 else 0)
            end = sub_blocks(j + 1)  # after the LZW minimum code size
            blocks.append(("image", data[i:end]))
            i = end
        else:
            raise NotParsed("GIF: unknown block")
    return head, blocks


def _gif_application(block: bytes) -> bytes:
    return block[3:14] if len(block) >= 14 and block[2] == 11 else b""


# --- The two rules -------------------------------------------------------------------------------


def strip_metadata(data: bytes) -> bytes:
    """A rendition: only what draws the picture (see the module docstring)."""
    try:
        if data.startswith(b"\xff\xd8"):
            return _jpeg_metadata_free(_jpeg_frames(data)[0])
        if data.startswith(PNG_SIGNATURE):
            return PNG_SIGNATURE + b"".join(
                chunk for kind, chunk in _png_chunks(data) if kind in PNG_KEEP
            )
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp_join([c for kind, c in _webp_chunks(data) if kind in WEBP_KEEP])
        if data[:3] == b"GIF":
            head, blocks = _gif_blocks(data)
            kept = [block for kind, block in blocks
                    if kind in ("control", "image", "trailer")
                    or (kind == "application" and _gif_application(block) in GIF_APPLICATIONS)]  # fmt: skip
            return head + b"".join(kept) + (b"" if kept and kept[-1] == b"\x3b" else b"\x3b")
    except (NotParsed, IndexError):  # a structure cut short: not parsed
        pass
    return _resave_without_metadata(data)


def strip_location(data: bytes) -> bytes | None:
    """An original without any location field, or None when it has none (see the module
    docstring). A multi-picture JPEG keeps its first picture only."""
    try:
        if data.startswith(b"\xff\xd8"):
            frames = _jpeg_frames(data)
            cleaned = _jpeg_location_free(frames[0])
            return None if cleaned == data else cleaned
        if data.startswith(PNG_SIGNATURE):
            return _png_location_free(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp_location_free(data)
        if data[:3] == b"GIF":
            head, blocks = _gif_blocks(data)
            kept = [block for kind, block in blocks
                    if not (kind == "application" and _gif_application(block) == b"XMP DataXMP"
                            and XMP_LOCATION.search(block))]  # fmt: skip
            cleaned = head + b"".join(kept)
            return None if len(kept) == len(blocks) else cleaned
    except (NotParsed, IndexError):  # not what it says it is: the upload checks refuse it
        return None
    return _resave_without_location(data)


def _png_location_free(data: bytes) -> bytes | None:
    out, changed = [PNG_SIGNATURE], False
    for kind, chunk in _png_chunks(data):
        if kind == b"eXIf":
            body = chunk[8:-4]
            cleaned = _exif_without_gps(EXIF_HEADER + body)
            if cleaned is None:
                changed = True
                continue
            if cleaned[6:] != body:
                chunk, changed = _png_chunk(b"eXIf", cleaned[6:]), True
        elif kind in (b"tEXt", b"zTXt", b"iTXt") and XMP_LOCATION.search(_png_text(chunk)):
            changed = True
            continue
        out.append(chunk)
    return b"".join(out) if changed else None


def _webp_location_free(data: bytes) -> bytes | None:
    out, changed = [], False
    for kind, chunk in _webp_chunks(data):
        if kind == b"EXIF":
            body = chunk[8 : 8 + int.from_bytes(chunk[4:8], "little")]
            has_header = body.startswith(EXIF_HEADER)
            cleaned = _exif_without_gps(body if has_header else EXIF_HEADER + body)
            if cleaned is None:
                changed = True
                continue
            cleaned = cleaned if has_header else cleaned[6:]
            if cleaned != body:
                chunk = b"EXIF" + len(cleaned).to_bytes(4, "little") + cleaned
                chunk += b"\x00" * (len(cleaned) & 1)
                changed = True
        elif kind == b"XMP " and XMP_LOCATION.search(chunk):
            changed = True
            continue
        out.append(chunk)
    return _webp_join(out) if changed else None


def _resave_without_metadata(data: bytes) -> bytes:
    """Formats this module does not parse (AVIF, HEIC, TIFF...): re-encoded by Pillow with no
    metadata at all. Unreadable data is returned unchanged (it is not a picture)."""
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as image:
            image.load()
            picture_format = image.format
            icc = image.info.get("icc_profile")
            clean = image.copy()
    except Exception:  # noqa: BLE001 - not a picture Pillow reads
        return data
    clean.info = {"icc_profile": icc} if icc else {}
    out = io.BytesIO()
    try:
        clean.save(out, format=picture_format, **({"icc_profile": icc} if icc else {}))
    except Exception:  # noqa: BLE001 - a format Pillow reads but cannot write
        return data
    return out.getvalue()


def _resave_without_location(data: bytes) -> bytes | None:
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            xmp = image.info.get("xmp") or b""
            if isinstance(xmp, str):
                xmp = xmp.encode()
            if GPS_IFD not in exif and not XMP_LOCATION.search(xmp):
                return None
    except Exception:  # noqa: BLE001 - not a picture Pillow reads
        return None
    return _resave_without_metadata(data)


__all__ = ["strip_location", "strip_metadata"]
