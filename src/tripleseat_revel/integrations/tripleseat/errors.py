"""TripleSeat errors, built in one place (`error_from_response`) from the HTTP response.

* TripleSeatError (VendorError)
  - TripleSeatTransportError   network failure or timeout (retryable)
  - TripleSeatAuthError        401/403, a rejected token, or the HTML login page instead of JSON
  - TripleSeatNotFound         404: no such event (deleted events answer 404 too)
  - TripleSeatValidationError  422 (Rails-style {"errors": {...}})
  - TripleSeatRateLimited      429 (retryable, honours Retry-After)
  - TripleSeatServerError      5xx (retryable)
  - TripleSeatResponseError    a 2xx whose body is not what the API documents
"""

from __future__ import annotations

import httpx

from tripleseat_revel.kit.http import VendorError, body_excerpt, parse_retry_after
from tripleseat_revel.logging import scrub_text


class TripleSeatError(VendorError):
    vendor = "tripleseat"


class TripleSeatTransportError(TripleSeatError):
    pass


class TripleSeatAuthError(TripleSeatError):
    pass


class TripleSeatNotFound(TripleSeatError):
    pass


class TripleSeatValidationError(TripleSeatError):
    pass


class TripleSeatRateLimited(TripleSeatError):
    pass


class TripleSeatServerError(TripleSeatError):
    pass


class TripleSeatResponseError(TripleSeatError):
    pass


def is_html(response: httpx.Response) -> bool:
    return "text/html" in response.headers.get("content-type", "")


def error_from_response(response: httpx.Response, what: str) -> TripleSeatError:
    status = response.status_code
    body = body_excerpt(response, redact=scrub_text)  # a vendor may echo the key it was sent
    if status in (401, 403) or (status < 400 and is_html(response)):
        return TripleSeatAuthError(
            f"{what}: TripleSeat refused the credentials ({status})", status=status, body=body
        )
    if status == 404:
        return TripleSeatNotFound(f"{what}: not found", status=status, body=body)
    if status == 422:
        return TripleSeatValidationError(f"{what}: rejected: {body}", status=status, body=body)
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return TripleSeatRateLimited(
            f"{what}: rate limited",
            status=status,
            retryable=True,
            retry_after=retry_after,
            body=body,
        )
    if status >= 500:
        return TripleSeatServerError(
            f"{what}: TripleSeat error {status}", status=status, retryable=True, body=body
        )
    return TripleSeatError(f"{what}: unexpected status {status}", status=status, body=body)


def transport_error(exc: httpx.HTTPError, what: str) -> TripleSeatTransportError:
    return TripleSeatTransportError(f"{what}: {type(exc).__name__}", retryable=True, ambiguous=True)
