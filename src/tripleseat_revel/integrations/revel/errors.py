"""Revel errors, built in one place (`error_from_response`) from the HTTP response.

* RevelError (VendorError)
  - RevelTransportError    network failure or timeout (retryable; ambiguous for writes)
  - RevelAuthError         401/403: bad key, or the key lacks the resource's scope
  - RevelNotFound          404
  - RevelValidationError   400 (Tastypie error bodies)
  - RevelRateLimited       429 (retryable, honours Retry-After)
  - RevelServerError       5xx (retryable; ambiguous for writes: it may have been applied)
  - RevelResponseError     a 2xx whose body is not what the API documents
"""

from __future__ import annotations

import httpx

from tripleseat_revel.kit.http import VendorError, body_excerpt, parse_retry_after
from tripleseat_revel.logging import scrub_text


class RevelError(VendorError):
    vendor = "revel"


class RevelTransportError(RevelError):
    pass


class RevelAuthError(RevelError):
    pass


class RevelNotFound(RevelError):
    pass


class RevelValidationError(RevelError):
    pass


class RevelRateLimited(RevelError):
    pass


class RevelServerError(RevelError):
    pass


class RevelResponseError(RevelError):
    pass


WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def error_from_response(response: httpx.Response, what: str, method: str) -> RevelError:
    status = response.status_code
    body = body_excerpt(response, redact=scrub_text)  # a vendor may echo the key it was sent
    if status in (401, 403):
        return RevelAuthError(
            f"{what}: Revel refused the API key ({status}); check REVEL_API_KEY/SECRET and scope",
            status=status,
            body=body,
        )
    if status == 404:
        return RevelNotFound(f"{what}: not found", status=status, body=body)
    if status == 429:
        return RevelRateLimited(
            f"{what}: rate limited",
            status=status,
            retryable=True,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            body=body,
        )
    if status >= 500:
        return RevelServerError(
            f"{what}: Revel error {status}",
            status=status,
            retryable=True,
            ambiguous=method in WRITES,
            body=body,
        )
    if status == 400:
        return RevelValidationError(f"{what}: rejected: {body}", status=status, body=body)
    return RevelError(f"{what}: unexpected status {status}", status=status, body=body)


def transport_error(exc: httpx.HTTPError, what: str, method: str) -> RevelTransportError:
    # A connect error means the request never left; anything later may have been applied.
    sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
    return RevelTransportError(
        f"{what}: {type(exc).__name__}", retryable=True, ambiguous=sent and method in WRITES
    )
