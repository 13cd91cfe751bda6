"""Run-time switches: the environment gives the initial value, an operator's change is persisted."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tripleseat_revel.config import Settings
from tripleseat_revel.models import Switch
from tripleseat_revel.sync.decide import Switches
from tripleseat_revel.sync.ledger import audit

NAMES = ("DRY_RUN", "ENABLE_CONNECTOR", "LOCATION_OVERRIDE")


def read_switches(session: Session, settings: Settings) -> Switches:
    stored = {row.name: row.value for row in session.query(Switch).all()}
    return Switches(
        dry_run=stored.get("DRY_RUN", settings.DRY_RUN),
        enabled=stored.get("ENABLE_CONNECTOR", settings.ENABLE_CONNECTOR),
        location_override=stored.get("LOCATION_OVERRIDE", settings.LOCATION_OVERRIDE),
    )


def set_switch(
    session: Session, name: str, value: bool, *, by: str, correlation_id: str | None = None
) -> None:
    """Persist a switch and audit who changed it."""
    if name not in NAMES:
        raise ValueError(f"unknown switch {name!r}; expected one of {', '.join(NAMES)}")
    row = session.get(Switch, name)
    old = row.value if row is not None else None
    if row is None:
        session.add(Switch(name=name, value=value, updated_by=by))
    else:
        row.value = value
        row.updated_by = by
    audit(
        session,
        None,
        "switch.changed",
        f"{name}: {old} -> {value} by {by}",
        correlation_id=correlation_id,
        data={"name": name, "old": old, "new": value, "by": by},
    )
