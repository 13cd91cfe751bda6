"""Settings (SPEC §4 configuration table): defaults, aliases, legacy variables, one-line errors."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fixtures.factories import MINIMAL_LOCATIONS_TOML
from tripleseat_revel.config import ConfigError, Settings, load_settings, validate_for_service

ALIASES = {
    "TRIPLESEAT_WEBHOOK_SECRET",
    "TRIPLESEAT_WEBHOOK_SECRET_PREVIOUS",
    "TRIPLESEAT_EMAIL_SENDER",
    "TRIPLESEAT_EMAIL_RECIPIENTS",
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting leaks in from the machine running the tests (nor a stray .env)."""
    names = {name.upper() for name in Settings.model_fields} | ALIASES
    for key in list(os.environ):
        if key.upper() in names:
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)


def settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Settings(_env_file=None)


# ---- defaults (SPEC §4 table) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "default"),
    [
        ("TRIPLESEAT_API_BASE", "https://api.tripleseat.com"),
        ("DATABASE_URL", "sqlite:///./var/tripleseat-revel.db"),
        ("LOCATIONS_FILE", Path("./locations.toml")),
        ("DRY_RUN", False),
        ("ENABLE_CONNECTOR", True),
        ("LOCATION_OVERRIDE", False),
        ("SYNC_INTERVAL_MINUTES", 45),
        ("SYNC_HOURS_BACK", 48),
        ("DEAD_REPLICA_SECONDS", 120),
        ("JANITOR_INTERVAL_SECONDS", 60),
        ("PORT", 8000),
        ("OUTBOX_DIR", Path("./var/outbox")),
        ("ADMIN_TOKEN", None),
        ("REVEL_BASE_URL", None),
        ("TRIPLESEAT_WEBHOOK_SIGNING_KEY", None),
        ("TRIPLESEAT_REFRESH_TOKEN", None),
        ("EMAIL_FROM", None),
        ("EMAIL_TO", None),
        ("SENDGRID_API_KEY", None),
        ("SMTP_URL", None),
    ],
)
def test_default(monkeypatch: pytest.MonkeyPatch, name: str, default: object) -> None:
    assert getattr(settings(monkeypatch), name) == default


def test_switches_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, DRY_RUN="true", ENABLE_CONNECTOR="0", LOCATION_OVERRIDE="yes")
    assert (s.DRY_RUN, s.ENABLE_CONNECTOR, s.LOCATION_OVERRIDE) == (True, False, True)


def test_variable_names_are_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings(monkeypatch, sync_interval_minutes="15").SYNC_INTERVAL_MINUTES == 15


def test_no_email_recipients_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings(monkeypatch).email_recipients == []


# ---- aliases ------------------------------------------------------------------------------------


def test_webhook_secret_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    key = settings(monkeypatch, TRIPLESEAT_WEBHOOK_SECRET="whsec-alias").TRIPLESEAT_WEBHOOK_SIGNING_KEY
    assert key is not None
    assert key.get_secret_value() == "whsec-alias"


def test_webhook_previous_secret_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, TRIPLESEAT_WEBHOOK_SECRET_PREVIOUS="whsec-old")
    assert s.TRIPLESEAT_WEBHOOK_SIGNING_KEY_PREVIOUS is not None
    assert s.TRIPLESEAT_WEBHOOK_SIGNING_KEY_PREVIOUS.get_secret_value() == "whsec-old"


def test_signing_key_wins_over_its_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, TRIPLESEAT_WEBHOOK_SIGNING_KEY="canonical", TRIPLESEAT_WEBHOOK_SECRET="alias")
    assert s.TRIPLESEAT_WEBHOOK_SIGNING_KEY is not None
    assert s.TRIPLESEAT_WEBHOOK_SIGNING_KEY.get_secret_value() == "canonical"


def test_revel_domain_gives_the_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings(monkeypatch, REVEL_DOMAIN="acme").revel_base_url == "https://acme.revelup.com"


def test_revel_base_url_wins_over_domain(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, REVEL_BASE_URL="https://other.revelup.com/", REVEL_DOMAIN="acme")
    assert s.revel_base_url == "https://other.revelup.com"


def test_no_revel_url(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings(monkeypatch).revel_base_url is None


def test_email_sender_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings(monkeypatch, TRIPLESEAT_EMAIL_SENDER="ops@example.com").EMAIL_FROM == "ops@example.com"


def test_email_recipients_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, TRIPLESEAT_EMAIL_RECIPIENTS="a@example.com; b@example.com,c@example.com")
    assert s.email_recipients == ["a@example.com", "b@example.com", "c@example.com"]


def test_email_to_wins_over_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, EMAIL_TO="new@example.com", TRIPLESEAT_EMAIL_RECIPIENTS="old@example.com")
    assert s.email_recipients == ["new@example.com"]


# ---- the locations file and the legacy single-location variables -----------------------------------


def test_locations_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "my-locations.toml"
    path.write_text(MINIMAL_LOCATIONS_TOML, encoding="utf-8")
    config = settings(monkeypatch, LOCATIONS_FILE=str(path)).locations
    assert [(loc.name, loc.revel_establishment) for loc in config.location] == [
        ("Special Events (Catering)", 8)
    ]


def test_legacy_variables_define_one_location(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(
        monkeypatch,
        TRIPLESEAT_SITE_ID="15691",
        REVEL_ESTABLISHMENT_ID="8",
        TIMEZONE="America/New_York",
    )
    [location] = s.locations.location
    assert (
        location.tripleseat_site_id,
        location.tripleseat_location_id,
        location.revel_establishment,
        location.timezone,
        location.name,
    ) == (15691, None, 8, "America/New_York", "TripleSeat site 15691")


def test_legacy_location_maps_the_whole_site(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, TRIPLESEAT_SITE_ID="15691", REVEL_ESTABLISHMENT_ID="8")
    found = s.locations.find(location_id=20271, site_id=15691)
    assert found is not None
    assert found.revel_establishment == 8


def test_legacy_rails_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(
        monkeypatch,
        TRIPLESEAT_SITE_ID="15691",
        REVEL_ESTABLISHMENT_ID="8",
        TIMEZONE="Pacific Time (US & Canada)",
    )
    assert s.locations.location[0].timezone == "America/Los_Angeles"


def test_legacy_time_zone_defaults_to_pacific(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, TRIPLESEAT_SITE_ID="15691", REVEL_ESTABLISHMENT_ID="8")
    assert s.locations.location[0].timezone == "America/Los_Angeles"


def test_locations_file_wins_over_legacy_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "locations.toml"
    path.write_text(MINIMAL_LOCATIONS_TOML, encoding="utf-8")
    s = settings(monkeypatch, LOCATIONS_FILE=str(path), TRIPLESEAT_SITE_ID="1", REVEL_ESTABLISHMENT_ID="2")
    assert s.locations.location[0].revel_establishment == 8


def test_neither_file_nor_legacy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError) as caught:
        _ = settings(monkeypatch, LOCATIONS_FILE="missing.toml").locations
    assert str(caught.value) == (
        "missing.toml: file not found, and TRIPLESEAT_SITE_ID / REVEL_ESTABLISHMENT_ID are not set "
        "(set LOCATIONS_FILE or those variables)"
    )


def test_legacy_bad_time_zone_fails_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, TRIPLESEAT_SITE_ID="15691", REVEL_ESTABLISHMENT_ID="8", TIMEZONE="Mars/Base")
    with pytest.raises(ConfigError) as caught:
        _ = s.locations
    assert "\n" not in str(caught.value)
    assert "unknown time zone 'Mars/Base'" in str(caught.value)


def test_legacy_bad_time_zone_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, TRIPLESEAT_SITE_ID="15691", REVEL_ESTABLISHMENT_ID="8", TIMEZONE="Mars/Base")
    with pytest.raises(ConfigError, match="TIMEZONE"):
        _ = s.locations


# ---- load_settings: one line naming the key --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PORT", "abc", "PORT: Input should be a valid integer, unable to parse string as an integer"),
        ("PORT", "70000", "PORT: Input should be less than or equal to 65535"),
        ("SYNC_INTERVAL_MINUTES", "0", "SYNC_INTERVAL_MINUTES: Input should be greater than or equal to 1"),
        ("SYNC_HOURS_BACK", "-1", "SYNC_HOURS_BACK: Input should be greater than or equal to 1"),
        ("DEAD_REPLICA_SECONDS", "2", "DEAD_REPLICA_SECONDS: Input should be greater than or equal to 3"),
        ("JANITOR_INTERVAL_SECONDS", "7", "JANITOR_INTERVAL_SECONDS: must divide a minute (1-30, 60)"),
        (
            "JANITOR_INTERVAL_SECONDS",
            "120",
            "JANITOR_INTERVAL_SECONDS: Input should be less than or equal to 60",
        ),
        ("REVEL_BASE_URL", "acme.revelup.com", "REVEL_BASE_URL: expected an http(s):// URL"),
        ("DAY_OF_SWEEP_TIME", "25:00", "DAY_OF_SWEEP_TIME: expected HH:MM, e.g. 06:00"),
        ("DRY_RUN", "maybe", "DRY_RUN: Input should be a valid boolean, unable to interpret input"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT: Input should be 'console' or 'json'"),
    ],
    ids=lambda v: str(v)[:24],
)
def test_load_settings_bad_value(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    assert str(caught.value) == f"environment/.env: {message}"


def test_load_settings_reads_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SYNC_HOURS_BACK=72\n", encoding="utf-8")
    assert load_settings().SYNC_HOURS_BACK == 72


def test_day_of_sweep_time_is_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings(monkeypatch, DAY_OF_SWEEP_TIME="6:5").DAY_OF_SWEEP_TIME == "06:05"


def test_validate_for_service_names_the_first_missing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, TRIPLESEAT_SITE_ID="15691", REVEL_ESTABLISHMENT_ID="8")
    with pytest.raises(ConfigError) as caught:
        validate_for_service(s)
    assert str(caught.value) == "environment/.env: REVEL_BASE_URL (or REVEL_DOMAIN): required but not set"


# ---- secrets ---------------------------------------------------------------------------------------

SECRETS = {
    "TRIPLESEAT_CLIENT_SECRET": "ts-client-secret-1",
    "TRIPLESEAT_REFRESH_TOKEN": "ts-refresh-token-2",
    "TRIPLESEAT_WEBHOOK_SIGNING_KEY": "ts-signing-key-3",
    "TRIPLESEAT_WEBHOOK_SIGNING_KEY_PREVIOUS": "ts-signing-key-4",
    "REVEL_API_SECRET": "revel-api-secret-5",
    "ADMIN_TOKEN": "admin-token-6",
    "SESSION_SECRET": "session-secret-7",
    "SENDGRID_API_KEY": "sendgrid-key-8",
    "SMTP_URL": "smtp://user:smtp-password-9@mail.example.com",
}


@pytest.mark.parametrize("render", [repr, str], ids=["repr", "str"])
def test_secret_values_never_rendered(
    monkeypatch: pytest.MonkeyPatch, render: Callable[[object], str]
) -> None:
    text = render(settings(monkeypatch, **SECRETS))
    assert [name for name, value in SECRETS.items() if value in text] == []


def test_secret_values_listed_for_the_log_scrubber(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, **SECRETS, REVEL_API_KEY="revel-api-key-10")
    # Also the pair as sent to Revel, and the password inside SMTP_URL on its own.
    extra = ["revel-api-key-10", "revel-api-key-10:revel-api-secret-5", "smtp-password-9"]
    assert sorted(s.secret_values()) == sorted([*SECRETS.values(), *extra])


# ---- the replaced system's Revel ids (documented defaults of the single-location variables) -------


def test_legacy_location_uses_the_replaced_system_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, TRIPLESEAT_SITE_ID="15691", REVEL_ESTABLISHMENT_ID="8")
    [location] = s.locations.location
    assert s.locations.revel_for(location).model_dump() == {
        "dining_option": 113,
        "payment_type": 236,
        "discount": 3358,
        "user": 1,
        "pos_station": 4,
    }


def test_legacy_revel_ids_can_be_set(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(
        monkeypatch,
        TRIPLESEAT_SITE_ID="15691",
        REVEL_ESTABLISHMENT_ID="8",
        REVEL_DINING_OPTION_ID="114",
        REVEL_PAYMENT_TYPE_ID="237",
        REVEL_DISCOUNT_ID="3359",
        REVEL_USER_ID="7",
        REVEL_POS_STATION_ID="5",
    )
    [location] = s.locations.location
    assert s.locations.revel_for(location).model_dump() == {
        "dining_option": 114,
        "payment_type": 237,
        "discount": 3359,
        "user": 7,
        "pos_station": 5,
    }


def test_legacy_revel_ids_do_not_apply_to_a_locations_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "locations.toml"
    path.write_text(MINIMAL_LOCATIONS_TOML.replace("pos_station = 4\n", ""), encoding="utf-8")
    s = settings(monkeypatch, LOCATIONS_FILE=str(path), REVEL_POS_STATION_ID="4")
    with pytest.raises(ConfigError, match=r"location\[0\]\.revel\.pos_station: not set"):
        _ = s.locations
