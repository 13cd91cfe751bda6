"""The daily digest: the day's events and what needs attention, sent once per day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from tests.notify.conftest import SmtpServer
from tests.web.dashboard.conftest import build, seed
from tripleseat_revel.cli import app
from tripleseat_revel.notify.digest import collect, compose_digest, send_digest
from tripleseat_revel.notify.service import Notifier
from tripleseat_revel.notify.transports import SmtpTransport
from tripleseat_revel.sandbox.world import LOCATIONS_FILE
from tripleseat_revel.sync.context import Runtime

DAY = date(2026, 11, 25)


def _seed_day(rt: Runtime) -> None:
    seed(rt, 1, name="Smith Dinner", event_date="2026-11-25", revel_order_id=501)
    seed(
        rt,
        2,
        name="Lee Party",
        event_date="2026-11-25",
        state="failed",
        outcome="FAILED_UNMAPPED",
        reason="1 unmapped item(s): Valet Parking",
    )
    seed(
        rt,
        3,
        name="Old Lunch",
        event_date="2026-11-20",
        state="missed",
        outcome="MISSED",
        reason="the event day 2026-11-20 has passed",
    )
    seed(rt, 4, name="Next Month", event_date="2026-12-30")


def test_the_digest_lists_the_days_events_and_what_needs_attention(tmp_path: Path) -> None:
    rt = build(tmp_path)
    _seed_day(rt)

    email = compose_digest(collect(rt.db, DAY), public_url="https://ops.example.com")
    rt.close()

    assert email.subject == "Daily summary Wed 25 Nov 2026: 1 of 2 events on the POS, 2 need attention"
    assert "[On the POS] Smith Dinner (#1), Harbor Room, Revel order #501" in email.text
    assert "[FAILED] Lee Party (#2), Harbor Room" in email.text
    assert (
        "[MISSED] 2026-11-20 Old Lunch (#3), Harbor Room: the event day 2026-11-20 has passed" in email.text
    )
    assert "Next Month" not in email.text
    assert email.html is not None and 'href="https://ops.example.com/events/1"' in email.html


def test_the_digest_goes_out_once_per_day_over_smtp(tmp_path: Path, smtp: SmtpServer) -> None:
    rt = build(tmp_path)
    _seed_day(rt)
    notifier = Notifier(
        rt.db, SmtpTransport(smtp.url), sender="c@example.com", recipients=["ops@example.com"]
    )

    sent = [send_digest(notifier, rt.db, DAY), send_digest(notifier, rt.db, DAY)]
    rt.close()

    assert sent == [True, False]
    (mail,) = smtp.inbox.messages
    assert mail.rcpt_tos == ["ops@example.com"]
    assert mail.subject.startswith("Daily summary Wed 25 Nov 2026")
    assert "Lee Party" in mail.part("plain") and "Lee Party" in mail.part("html")


def test_the_digest_command_prints_it(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'dashboard.db'}",
        "LOCATIONS_FILE": str(LOCATIONS_FILE),
        "ADMIN_TOKEN": "x",
    }
    rt = build(tmp_path)
    _seed_day(rt)
    rt.close()

    result = CliRunner().invoke(app, ["digest", "--day", "2026-11-25", "--print"], env=env)

    assert result.exit_code == 0, result.output
    assert "Daily summary Wed 25 Nov 2026: 1 of 2 events on the POS" in result.output
    assert "[FAILED] Lee Party (#2)" in result.output
