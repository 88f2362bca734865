"""A cached page never outlives a signed URL it holds (issue 17): the parser that finds the
earliest expiry of the signed URLs in a body, on any input."""

import calendar
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from redac.delivery.wsgi import signed_url_expiry

STAMP = "%Y%m%dT%H%M%SZ"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_body_gives_none_or_a_time_and_never_raises(body):
    result = signed_url_expiry(body)
    assert result is None or isinstance(result, float | int)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([b"Expires=", b"X-Amz-Date=", b"X-Amz-Expires="]),
       st.binary(max_size=40))  # fmt: skip
def test_bodies_near_the_markers_never_raise(before, marker, after):
    signed_url_expiry(before + b"?" + marker + after + b"&X-Amz-Expires=12&Expires=1")


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=4_000_000_000),
    st.integers(min_value=1, max_value=604_800),
    st.sampled_from(["&", "&amp;"]),
    st.integers(min_value=1_000_000_000, max_value=9_999_999_999),
)
def test_the_earliest_expiry_of_v4_and_v2_urls_is_found(signed, lifetime, amp, absolute):
    stamp = time.strftime(STAMP, time.gmtime(signed))
    signed = calendar.timegm(time.strptime(stamp, STAMP))
    v4 = (f"https://s3.example.org/b/k.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256{amp}"
          f"X-Amz-Credential=AK%2F20260101%2Fus-east-1%2Fs3%2Faws4_request{amp}X-Amz-Date={stamp}"
          f"{amp}X-Amz-Expires={lifetime}{amp}X-Amz-SignedHeaders=host{amp}X-Amz-Signature=ab12")  # fmt: skip
    v2 = f"https://s3.example.org/b/k.png?AWSAccessKeyId=AK{amp}Signature=x%3D{amp}Expires={absolute}"
    body = f'<a href="{v4}">doc</a> <img src="{v2}">'.encode()
    assert signed_url_expiry(body) == min(signed + lifetime, absolute)


def test_a_page_without_signed_urls_has_no_expiry():
    assert signed_url_expiry(b'<img src="https://media.example.org/renditions/a.png">') is None
    assert signed_url_expiry(b"<p>Expires=demain</p>") is None
