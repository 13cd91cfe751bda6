"""TripleSeat webhook signatures and payloads (SPEC §5). Pure: bytes and strings in, values out."""

from __future__ import annotations

import json
import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tripleseat_revel.integrations.tripleseat.webhooks import (
    EVENT_TRIGGERS,
    SCHEMES,
    MalformedPayload,
    Scheme,
    Verification,
    WebhookPayload,
    header_format,
    parse,
    sign,
    verify,
)

BODY = b'{"webhook_trigger_type":"UPDATE_EVENT","event":{"id":55521609,"updated_at":"12/28/2025 12:56 PM"}}'
KEY = "whsec_tripleseat_test_key"
PREVIOUS = "whsec_previous_key"
T = 1767225600  # 2026-01-01T00:00:00Z

# Known-answer vectors, computed once with Python's hmac/hashlib/base64 (not with `sign`):
#   hmac.new(KEY.encode(), BODY, hashlib.sha256).hexdigest()
#   base64.b64encode(hmac.new(KEY.encode(), BODY, hashlib.sha256).digest())
#   hmac.new(KEY.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
#   hmac.new(PREVIOUS.encode(), BODY, hashlib.sha256).hexdigest()
KAT_HEX = "56af90e4f7a84b6063e1f310ff72f4ef13434092e261acf5b65b07c63cec1707"
KAT_BASE64 = "Vq+Q5PeoS2Bj4fMQ/3L07xNDQJLiYaz1tlsHxjzsFwc="
KAT_TIMESTAMPED = f"t={T},v1=22dcf8d0ee3254b72ef3e172351eb5ae2a251b8a2d12244dceb7711c75ff6c2e"
KAT_PREVIOUS_HEX = "241de0ff8c8c12039b97ce70520fc2ab12e958f2922e6ac0cbd4eb8562ae7150"


def check(header: str | None, *, body: bytes = BODY, now: float = T, keys: Any = None) -> Verification:
    return verify(body, header, [KEY] if keys is None else keys, now=now)


def flip(text: str, index: int) -> str:
    """`text` with one hex character replaced by a different one."""
    replacement = "0" if text[index] != "0" else "1"
    return text[:index] + replacement + text[index + 1 :]


# ---- known answers ----------------------------------------------------------------------------


def test_sign_hex_matches_known_answer() -> None:
    assert sign(BODY, KEY, "hex") == KAT_HEX


def test_sign_base64_matches_known_answer() -> None:
    assert sign(BODY, KEY, "base64") == KAT_BASE64


def test_sign_timestamped_matches_known_answer() -> None:
    assert sign(BODY, KEY, "timestamped", timestamp=T) == KAT_TIMESTAMPED


def test_sign_with_previous_key_matches_known_answer() -> None:
    assert sign(BODY, PREVIOUS, "hex") == KAT_PREVIOUS_HEX


def test_sign_timestamped_needs_a_timestamp() -> None:
    with pytest.raises(ValueError, match="needs a timestamp"):
        sign(BODY, KEY, "timestamped")


# ---- accepted forms -----------------------------------------------------------------------------


def test_hex_accepted() -> None:
    assert check(KAT_HEX) == Verification(True, scheme="hex", key_index=0)


def test_uppercase_hex_accepted() -> None:
    assert check(KAT_HEX.upper()) == Verification(True, scheme="hex", key_index=0)


def test_sha256_prefixed_hex_accepted() -> None:
    assert check(f"sha256={KAT_HEX}") == Verification(True, scheme="hex", key_index=0)


def test_uppercase_sha256_prefix_accepted() -> None:
    assert check(f"SHA256={KAT_HEX}") == Verification(True, scheme="hex", key_index=0)


def test_surrounding_whitespace_ignored() -> None:
    assert check(f"  {KAT_HEX}\t") == Verification(True, scheme="hex", key_index=0)


def test_base64_accepted() -> None:
    assert check(KAT_BASE64) == Verification(True, scheme="base64", key_index=0)


def test_sha256_prefixed_base64_accepted() -> None:
    assert check(f"sha256={KAT_BASE64}") == Verification(True, scheme="base64", key_index=0)


def test_timestamped_accepted() -> None:
    assert check(KAT_TIMESTAMPED) == Verification(True, scheme="timestamped", key_index=0)


def test_timestamped_with_space_after_comma_accepted() -> None:
    header = KAT_TIMESTAMPED.replace(",", ", ")
    assert check(header) == Verification(True, scheme="timestamped", key_index=0)


def test_timestamped_any_of_several_v1_accepted() -> None:
    header = f"{KAT_TIMESTAMPED.split(',')[0]},v1={'0' * 64},{KAT_TIMESTAMPED.split(',')[1]}"
    assert check(header).ok is True


@pytest.mark.parametrize("scheme", SCHEMES)
def test_round_trip(scheme: Scheme) -> None:
    header = sign(b"any body \x00\xff", "another key", scheme, timestamp=T)
    result = verify(b"any body \x00\xff", header, ["another key"], now=T)
    assert (result.ok, result.scheme) == (True, scheme)


# ---- the replay window ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "ok"),
    [
        (T, True),
        (T + 299, True),
        (T + 300, True),
        (T + 301, False),
        (T - 300, True),
        (T - 301, False),
    ],
    ids=["at-t", "299s-late", "300s-late-edge", "301s-late", "300s-early-edge", "301s-early"],
)
def test_timestamped_replay_window(now: int, ok: bool) -> None:
    assert check(KAT_TIMESTAMPED, now=now).ok is ok


def test_timestamped_outside_window_says_so() -> None:
    result = check(KAT_TIMESTAMPED, now=T + 301)
    assert (result.scheme, result.reason) == ("timestamped", "timestamp outside replay window")


def test_timestamped_custom_window() -> None:
    result = verify(BODY, KAT_TIMESTAMPED, [KEY], now=T + 30, tolerance_seconds=10)
    assert result.ok is False


def test_timestamp_cannot_be_moved_forward() -> None:
    # Re-using a valid v1 with a fresh t= fails: the timestamp is part of the signed message.
    header = KAT_TIMESTAMPED.replace(f"t={T}", f"t={T + 1000}")
    result = check(header, now=T + 1000)
    assert (result.ok, result.reason) == (False, "signature mismatch")


# ---- rotation ----------------------------------------------------------------------------------------


def test_current_key_is_index_0() -> None:
    assert check(KAT_HEX, keys=[KEY, PREVIOUS]).key_index == 0


def test_previous_key_accepted_with_index_1() -> None:
    result = check(KAT_PREVIOUS_HEX, keys=[KEY, PREVIOUS])
    assert result == Verification(True, scheme="hex", key_index=1)


def test_previous_key_accepted_for_timestamped() -> None:
    header = sign(BODY, PREVIOUS, "timestamped", timestamp=T)
    assert check(header, keys=[KEY, PREVIOUS]).key_index == 1


def test_retired_key_rejected() -> None:
    assert check(KAT_PREVIOUS_HEX, keys=[KEY]).ok is False


def test_no_key_configured() -> None:
    assert check(KAT_HEX, keys=[]) == Verification(False, reason="no signing key configured")


def test_empty_keys_are_not_keys() -> None:
    assert check(KAT_HEX, keys=["", ""]).reason == "no signing key configured"


# ---- rejections -------------------------------------------------------------------------------------


def test_tampered_body_rejected() -> None:
    result = check(KAT_HEX, body=BODY.replace(b"55521609", b"55521610"))
    assert result == Verification(False, scheme="hex", reason="signature mismatch")


def test_tampered_body_rejected_for_timestamped() -> None:
    result = check(KAT_TIMESTAMPED, body=BODY + b" ")
    assert (result.ok, result.reason) == (False, "signature mismatch")


@pytest.mark.parametrize("index", [0, 31, 63])
def test_one_char_altered_hex_rejected(index: int) -> None:
    assert check(flip(KAT_HEX, index)).reason == "signature mismatch"


def test_one_char_altered_base64_rejected() -> None:
    altered = "W" + KAT_BASE64[1:]
    assert (check(altered).ok, check(altered).reason) == (False, "signature mismatch")


def test_one_char_altered_timestamped_rejected() -> None:
    assert check(flip(KAT_TIMESTAMPED, len(KAT_TIMESTAMPED) - 1)).reason == "signature mismatch"


def test_wrong_key_rejected() -> None:
    assert check(sign(BODY, "not the key", "hex")).reason == "signature mismatch"


@pytest.mark.parametrize("header", [None, "", "   "], ids=["none", "empty", "blank"])
def test_missing_signature_rejected(header: str | None) -> None:
    assert check(header) == Verification(False, reason="missing signature")


def test_oversized_header_rejected() -> None:
    header = KAT_HEX + " " * 2048
    assert check(header) == Verification(False, reason="malformed signature")


@pytest.mark.parametrize(
    "header",
    [
        "not-a-signature",
        KAT_HEX[:-1],
        KAT_HEX + "0",
        KAT_BASE64[:-4],
        "sha256=",
        "z" * 64,
        "t=1767225600",
    ],
    ids=["garbage", "hex-63", "hex-65", "base64-truncated", "bare-prefix", "non-hex-64", "t-only"],
)
def test_malformed_signature_rejected(header: str) -> None:
    assert check(header) == Verification(False, reason="malformed signature")


@pytest.mark.parametrize(
    "header",
    ["v1=" + "0" * 64, "t=abc,v1=" + "0" * 64, f"t={T},v1="],
    ids=["no-t", "non-numeric-t", "empty-v1"],
)
def test_malformed_timestamped_rejected(header: str) -> None:
    assert check(header) == Verification(False, scheme="timestamped", reason="malformed signature")


def test_plain_hex_in_v1_rejected() -> None:
    # The untimestamped digest is not a valid v1: the signed message differs.
    assert check(f"t={T},v1={KAT_HEX}").reason == "signature mismatch"


def test_non_ascii_v1_rejected_without_raising() -> None:
    assert check(f"t={T},v1={'é' * 64}").ok is False


def test_unicode_digit_timestamp_rejected_without_raising() -> None:
    assert check(f"t=²,v1={'0' * 64}").ok is False


# ---- header_format -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "missing"),
        ("", "missing"),
        (KAT_TIMESTAMPED, "timestamped(t=,v1=)"),
        (f"sha256={KAT_HEX}", "sha256=<hex>"),
        (KAT_HEX, "hex(64)"),
        (KAT_BASE64, "other(44 chars)"),
    ],
    ids=["none", "empty", "timestamped", "sha256", "hex", "base64"],
)
def test_header_format(header: str | None, expected: str) -> None:
    assert header_format(header) == expected


def test_header_format_never_contains_the_value() -> None:
    assert KAT_HEX[:8] not in header_format(KAT_HEX)


# ---- parse ----------------------------------------------------------------------------------------


def payload(data: Any) -> bytes:
    return json.dumps(data).encode()


def test_parse_event_object() -> None:
    body = payload({"webhook_trigger_type": "UPDATE_EVENT", "event": {"id": 55521609, "updated_at": "x"}})
    assert parse(body) == WebhookPayload("UPDATE_EVENT", 55521609, "event", "x")


@pytest.mark.parametrize("key", ["event", "object"])
def test_parse_object_id_is_the_event_id(key: str) -> None:
    body = payload({"webhook_trigger_type": "CREATE_EVENT", key: {"id": 55521609}})
    assert (parse(body).event_id, parse(body).object_key) == (55521609, key)


def test_parse_string_id() -> None:
    body = payload({"webhook_trigger_type": "CREATE_EVENT", "event": {"id": " 55521609 "}})
    assert parse(body).event_id == 55521609


def test_parse_booking_with_one_event() -> None:
    body = payload({"webhook_trigger_type": "UPDATE_EVENT", "booking": {"id": 7, "event_ids": [9]}})
    assert (parse(body).event_id, parse(body).object_key) == (9, "booking")


def test_parse_booking_with_several_events_has_no_event_id() -> None:
    body = payload({"webhook_trigger_type": "UPDATE_EVENT", "booking": {"id": 7, "event_ids": [9, 10]}})
    assert parse(body).event_id is None


def test_parse_booking_id_is_not_an_event_id() -> None:
    body = payload({"webhook_trigger_type": "UPDATE_EVENT", "booking": {"id": 7}})
    assert parse(body).event_id is None


def test_parse_lead_with_event_id() -> None:
    body = payload({"webhook_trigger_type": "UPDATE_EVENT", "lead": {"id": 3, "event_id": "11"}})
    assert (parse(body).event_id, parse(body).object_key) == (11, "lead")


def test_parse_top_level_event_id() -> None:
    body = payload({"webhook_trigger_type": "DELETE_EVENT", "event_id": 12})
    assert (parse(body).event_id, parse(body).object_key) == (12, None)


def test_parse_trigger_is_upper_cased() -> None:
    body = payload({"webhook_trigger_type": " update_event ", "event": {"id": 1}})
    assert parse(body).trigger == "UPDATE_EVENT"


def test_parse_trigger_alias() -> None:
    assert parse(payload({"trigger": "CREATE_EVENT", "event": {"id": 1}})).trigger == "CREATE_EVENT"


@pytest.mark.parametrize("trigger", sorted(EVENT_TRIGGERS))
def test_event_triggers_are_actionable(trigger: str) -> None:
    assert parse(payload({"webhook_trigger_type": trigger, "event": {"id": 1}})).actionable is True


def test_missing_trigger_with_event_object_is_actionable() -> None:
    result = parse(payload({"event": {"id": 1}}))
    assert (result.trigger, result.actionable) == (None, True)


def test_empty_trigger_counts_as_missing() -> None:
    result = parse(payload({"webhook_trigger_type": "", "event": {"id": 1}}))
    assert (result.trigger, result.actionable) == (None, True)


def test_missing_trigger_with_booking_object_is_not_actionable() -> None:
    assert parse(payload({"booking": {"id": 1, "event_ids": [2]}})).actionable is False


@pytest.mark.parametrize("trigger", ["CREATE_LEAD", "UPDATE_BOOKING", "CREATE_CONTACT"])
def test_non_event_trigger_is_not_actionable(trigger: str) -> None:
    assert parse(payload({"webhook_trigger_type": trigger, "event": {"id": 1}})).actionable is False


@pytest.mark.parametrize(
    "obj",
    [{}, {"id": 0}, {"id": -5}, {"id": True}, {"id": 1.5}, {"id": "abc"}, {"id": None}],
    ids=["no-id", "zero", "negative", "bool", "float", "text", "null"],
)
def test_no_usable_event_id(obj: dict[str, Any]) -> None:
    assert parse(payload({"webhook_trigger_type": "UPDATE_EVENT", "event": obj})).event_id is None


def test_object_that_is_not_a_dict_is_ignored() -> None:
    result = parse(payload({"webhook_trigger_type": "UPDATE_EVENT", "event": 5, "event_id": 6}))
    assert (result.object_key, result.event_id) == (None, 6)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "body is not valid JSON"),
        (b"{not json", "body is not valid JSON"),
        (b"\xff\xfe\x00", "body is not valid JSON"),
        (b"[]", "body is not a JSON object"),
        (b'"text"', "body is not a JSON object"),
        (b"42", "body is not a JSON object"),
        (b"null", "body is not a JSON object"),
    ],
    ids=["empty", "broken", "not-utf8", "array", "string", "number", "null"],
)
def test_malformed_payload(body: bytes, message: str) -> None:
    with pytest.raises(MalformedPayload, match=message):
        parse(body)


def test_unicode_digit_id_is_no_event_id() -> None:
    body = payload({"webhook_trigger_type": "UPDATE_EVENT", "event": {"id": "²"}})
    assert parse(body).event_id is None


def test_deeply_nested_json_is_malformed() -> None:
    with pytest.raises(MalformedPayload):
        parse(b"[" * 100_000)


# ---- properties ---------------------------------------------------------------------------------

KEY_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
)  # HMAC pads keys with NUL bytes, so "k" and "k\x00" are the same key: keep NUL out.
NOW = 1_800_000_000


@st.composite
def signed_headers(draw: st.DrawFn, keys: list[str]) -> tuple[str, bool, bytes]:
    """(header, whether verify must accept it, body) for a sign() call with random inputs."""
    body = draw(st.binary(max_size=200))
    signer = draw(st.one_of(st.sampled_from(keys), KEY_TEXT))
    signed_body = draw(st.one_of(st.just(body), st.binary(max_size=200)))
    scheme: Scheme = draw(st.sampled_from(SCHEMES))
    timestamp = draw(st.integers(NOW - 600, NOW + 600))
    header = sign(signed_body, signer, scheme, timestamp=timestamp)
    fresh = scheme != "timestamped" or abs(NOW - timestamp) <= 300
    return header, signer in keys and signed_body == body and fresh, body


@settings(derandomize=True, max_examples=300, deadline=None)
@given(
    body=st.binary(max_size=500),
    header=st.one_of(st.none(), st.text(max_size=300)),
    keys=st.lists(KEY_TEXT, max_size=2),
    now=st.floats(allow_nan=False, allow_infinity=False),
)
def test_verify_never_raises_and_rejects_arbitrary_headers(
    body: bytes, header: str | None, keys: list[str], now: float
) -> None:
    result = verify(body, header, keys, now=now)
    assert (result.ok, result.reason is not None) == (False, True)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(
    prefix=st.sampled_from(["t=", "v1=", f"t={NOW},v1=", f"t={NOW},v1=", "sha256="]),
    tail=st.text(alphabet=string.printable, max_size=100),
)
def test_verify_rejects_signature_shaped_garbage(prefix: str, tail: str) -> None:
    result = verify(b"body", prefix + tail, [KEY], now=NOW)
    assert result.ok is False


@settings(derandomize=True, max_examples=300, deadline=None)
@given(data=st.data(), keys=st.lists(KEY_TEXT, min_size=1, max_size=2, unique=True))
def test_verify_accepts_exactly_what_sign_made_with_a_key(data: st.DataObject, keys: list[str]) -> None:
    header, accept, body = data.draw(signed_headers(keys))
    assert verify(body, header, keys, now=NOW).ok is accept


@settings(derandomize=True, max_examples=300, deadline=None)
@given(data=st.data(), keys=st.lists(KEY_TEXT, min_size=1, max_size=2, unique=True))
def test_verify_rejects_any_one_char_change(data: st.DataObject, keys: list[str]) -> None:
    body = data.draw(st.binary(max_size=100))
    scheme: Scheme = data.draw(st.sampled_from(SCHEMES))
    header = sign(body, data.draw(st.sampled_from(keys)), scheme, timestamp=NOW)
    start = header.index("v1=") + 3 if scheme == "timestamped" else 0
    index = data.draw(st.integers(start, len(header) - 1))
    replacement = data.draw(st.sampled_from("0123456789abcdefABCDEF+/=").filter(lambda c: c != header[index]))
    altered = header[:index] + replacement + header[index + 1 :]
    # Changing a hex digit's case is not a change of signature; everything else is.
    if altered.lower() == header.lower() and scheme != "base64":
        return
    assert verify(body, altered, keys, now=NOW).ok is False


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
JSON_KEYS = st.one_of(
    st.sampled_from(
        [
            "event",
            "object",
            "booking",
            "lead",
            "webhook_trigger_type",
            "trigger",
            "id",
            "event_id",
            "event_ids",
            "updated_at",
        ]
    ),  # fmt: skip
    st.text(max_size=10),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(JSON_KEYS, children, max_size=5)
    ),
    max_leaves=8,
)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(body=st.binary(max_size=500))
def test_parse_raises_only_malformed_payload_on_bytes(body: bytes) -> None:
    try:
        result = parse(body)
    except MalformedPayload:
        return
    assert isinstance(result, WebhookPayload)


@settings(derandomize=True, max_examples=200, deadline=None)
@given(data=st.dictionaries(JSON_KEYS, JSON_VALUES, max_size=5))
def test_parse_any_json_object(data: dict[str, Any]) -> None:
    result = parse(json.dumps(data).encode())
    assert result.event_id is None or result.event_id > 0
