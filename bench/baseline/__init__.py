"""The replaced system, reproduced against the same simulators (used only by the benchmarks).

What it does, from the change summary in `shared/reference/replaced-system.md` and issue 7:

- `POST /webhooks/tripleseat` verifies the signature, then calls the app's own
  `GET /api/sync/tripleseat?event_id=` over HTTP with `requests` (30 s timeout) and answers only when
  that call returns.
- A sync of one event, strictly in sequence: fetch the event (`show_financial=true`), list the
  establishment's Revel products (`limit=1000`) once per line item to resolve its name, look the order
  up by `local_id`, then create the Order, each OrderItem, the discount (a PATCH), the Payment, the
  OrderHistory and the final PATCH with the totals.
- The scheduled (bulk) sync searches every event updated in the last `hours_back` hours and does
  the above for each event that passes the time gate, one after another.

It is a single-location system configured by `TRIPLESEAT_SITE_ID`, `REVEL_ESTABLISHMENT_ID` and
`TIMEZONE`, with no client-side rate limiting and no retries (a 429 or 5xx fails the event).
E-mails are not sent (that only makes the baseline faster than the original).
"""
