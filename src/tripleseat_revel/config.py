"""One Settings object (environment + `.env`) and the locations file loader.

Nothing else in the package reads `os.environ`. Names are the operator contract of SPEC §4; the
replaced system's variable names are accepted as aliases so its users can switch over unchanged.
A bad value fails at start-up with one line naming the key and where it came from (`ConfigError`).
"""

from __future__ import annotations

import tomllib
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from tripleseat_revel.kit.timezones import to_iana

DEFAULT_TRIPLESEAT_STATUSES = ["CLOSED"]
TRIPLESEAT_STATUSES = {"PROSPECT", "TENTATIVE", "DEFINITE", "CLOSED", "LOST", "WAITLIST"}


class ConfigError(Exception):
    """A configuration problem, phrased as one line that names the key and its source."""


# --------------------------------------------------------------------------------------------
# The locations file (TOML)
# --------------------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_statuses(value: list[str]) -> list[str]:
    """Upper-case TripleSeat statuses; an unknown one is a configuration error."""
    upper = [s.strip().upper() for s in value]
    unknown = sorted(set(upper) - TRIPLESEAT_STATUSES)
    if unknown:
        raise ValueError(f"unknown status {unknown[0]!r}; expected {sorted(TRIPLESEAT_STATUSES)}")
    return upper


class Rules(_Strict):
    """Business rules; set under [defaults] and overridable per [[location]]."""

    inject_statuses: list[str] = Field(default_factory=lambda: list(DEFAULT_TRIPLESEAT_STATUSES))
    time_gate: Literal["event_day", "lead_hours"] = "event_day"
    lead_hours: float = Field(default=4, ge=0, le=24 * 14)
    unmapped: Literal["block", "skip"] = "block"
    on_change: Literal["alert", "amend"] = "alert"

    @field_validator("inject_statuses")
    @classmethod
    def _statuses(cls, value: list[str]) -> list[str]:
        return check_statuses(value)


class Location(_Strict):
    """One TripleSeat location (or a whole site) and the Revel establishment it feeds."""

    tripleseat_site_id: int
    tripleseat_location_id: int | None = None
    name: str
    revel_establishment: int
    timezone: str
    test_establishment: int | None = None
    # Optional per-location rule overrides (None = inherit [defaults]).
    inject_statuses: list[str] | None = None
    time_gate: Literal["event_day", "lead_hours"] | None = None
    lead_hours: float | None = Field(default=None, ge=0, le=24 * 14)
    unmapped: Literal["block", "skip"] | None = None
    on_change: Literal["alert", "amend"] | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        return to_iana(value)

    @field_validator("inject_statuses")
    @classmethod
    def _statuses(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else check_statuses(value)

    def rules(self, defaults: Rules) -> Rules:
        """The effective rules: this location's overrides on top of the defaults."""
        overrides = {key: getattr(self, key) for key in Rules.model_fields if getattr(self, key) is not None}
        return Rules.model_validate({**defaults.model_dump(), **overrides})


class RevelIds(_Strict):
    """Ids of the Revel records every order is made with (per Revel instance)."""

    dining_option: int = 113
    payment_type: int = 236
    discount: int = 3358
    user: int = 1
    pos_station: int = 4


class ProductMapping(_Strict):
    menu_item_id: int
    revel_product: int
    # Revel product ids differ per establishment; omit to apply everywhere.
    revel_establishment: int | None = None


class MoneyRules(_Strict):
    """How TripleSeat's money is read (docs/money.md). Billing totals are classified by name (free
    text in TripleSeat): a whole word of `tax_names` makes a tax, else of `gratuity_names` a
    gratuity, else a service charge; a name negated or qualified ("not a tip", "tax-exempt",
    "pre-tax") does not count (sync/money.py: classify). The cross-checks against TripleSeat's own
    amounts due and event totals can be switched off if an account's figures are known to differ
    in meaning."""

    tax_names: list[str] = Field(default_factory=lambda: ["tax", "taxes", "gst", "hst", "pst", "qst", "vat"])
    gratuity_names: list[str] = Field(default_factory=lambda: ["gratuity", "gratuities", "tip", "tips"])
    check_amount_due: bool = True
    check_event_totals: bool = True


class LocationsConfig(_Strict):
    """The parsed locations file."""

    location: list[Location] = Field(min_length=1)
    revel: RevelIds = Field(default_factory=RevelIds)
    product: list[ProductMapping] = Field(default_factory=list)
    defaults: Rules = Field(default_factory=Rules)
    money: MoneyRules = Field(default_factory=MoneyRules)

    @model_validator(mode="after")
    def _unique_keys(self) -> LocationsConfig:
        seen: set[tuple[int, int | None]] = set()
        for index, loc in enumerate(self.location):
            key = (loc.tripleseat_site_id, loc.tripleseat_location_id)
            if key in seen:
                raise ValueError(f"location[{index}] repeats site {key[0]} / location {key[1]}")
            seen.add(key)
        return self

    def find(self, *, location_id: int | None, site_id: int | None) -> Location | None:
        """The configured location of an event: by location id, else a whole-site entry."""
        for loc in self.location:
            same_site = site_id is None or loc.tripleseat_site_id == site_id
            if location_id is not None and loc.tripleseat_location_id == location_id and same_site:
                return loc
        for loc in self.location:
            if loc.tripleseat_location_id is None and loc.tripleseat_site_id == site_id:
                return loc
        return None

    def rules_for(self, location: Location) -> Rules:
        return location.rules(self.defaults)

    def establishments(self) -> list[int]:
        """Every Revel establishment orders go to (test establishments included), sorted."""
        found = {loc.revel_establishment for loc in self.location}
        found |= {loc.test_establishment for loc in self.location if loc.test_establishment is not None}
        return sorted(found)


def _format_validation_error(source: str, exc: ValidationError) -> str:
    err = exc.errors()[0]
    parts: list[str] = []
    for item in err["loc"]:
        if isinstance(item, int) and parts:
            parts[-1] = f"{parts[-1]}[{item}]"
        else:
            parts.append(str(item))
    key = ".".join(parts) or "(file)"
    message = err["msg"].removeprefix("Value error, ")
    return f"{source}: {key}: {message}"


def load_locations_file(path: Path) -> LocationsConfig:
    """Read and validate a locations TOML file; raise ConfigError with one clear line."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found (set LOCATIONS_FILE)") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return LocationsConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(str(path), exc)) from exc


# --------------------------------------------------------------------------------------------
# Settings (environment variables and .env)
# --------------------------------------------------------------------------------------------


class Settings(BaseSettings):
    """Every setting of the connector. Secrets are SecretStr so they never print."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        env_ignore_empty=True,  # "KEY=" (as in a copied .env.example) means unset
    )

    # TripleSeat
    TRIPLESEAT_API_BASE: str = "https://api.tripleseat.com"
    TRIPLESEAT_AUTHORIZE_URL: str = "https://login.tripleseat.com/oauth2/authorize"
    TRIPLESEAT_CLIENT_ID: str | None = None
    TRIPLESEAT_CLIENT_SECRET: SecretStr | None = None
    TRIPLESEAT_REFRESH_TOKEN: SecretStr | None = None
    TRIPLESEAT_OAUTH_SCOPE: str = "events:read"
    TRIPLESEAT_WEBHOOK_SIGNING_KEY: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("TRIPLESEAT_WEBHOOK_SIGNING_KEY", "TRIPLESEAT_WEBHOOK_SECRET"),
    )
    TRIPLESEAT_WEBHOOK_SIGNING_KEY_PREVIOUS: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "TRIPLESEAT_WEBHOOK_SIGNING_KEY_PREVIOUS", "TRIPLESEAT_WEBHOOK_SECRET_PREVIOUS"
        ),
    )
    WEBHOOK_REPLAY_WINDOW_SECONDS: int = Field(default=300, ge=1)
    TRIPLESEAT_RATE_PER_SECOND: float = Field(default=10, gt=0)

    # Revel
    REVEL_BASE_URL: str | None = None
    REVEL_DOMAIN: str | None = None
    REVEL_API_KEY: SecretStr | None = None
    REVEL_API_SECRET: SecretStr | None = None
    REVEL_RATE_PER_MINUTE: float = Field(default=300, gt=0)
    REVEL_CATALOGUE_TTL_SECONDS: int = Field(default=600, ge=0)
    # A reconcile looks its due events' orders up 50 at a time (`local_id__in`), sparing each sync
    # its own lookup. Revel's docs do not say that filter exists; an answer that is refused or
    # looks unfiltered is discarded (each sync then looks up alone), so this is safe either way.
    REVEL_BATCH_LOOKUP: bool = True
    # Syncs about to create their orders within this many milliseconds of each other share one such
    # lookup, checked the same way (0: each looks up alone; off with REVEL_BATCH_LOOKUP too).
    REVEL_LOOKUP_COALESCE_MS: float = Field(default=20, ge=0, le=1000)
    # What this Revel does where its documentation is silent (docs/reliability.md, "Revel's
    # behaviour"; `doctor --probe` tests each on a test establishment):
    REVEL_ITEM_DELETE: bool = True  # an OrderItem can be deleted (amends remove lines that way)
    REVEL_REFUNDS: bool = False  # write a refund as a negative Payment (else: drift, refund at the POS)
    REVEL_DISCOUNTS_STACK: bool = False  # a second discount PATCH adds to the first (then: drift)

    # State, files, web
    DATABASE_URL: str = "sqlite:///./var/tripleseat-revel.db"
    LOCATIONS_FILE: Path = Path("./locations.toml")
    ADMIN_TOKEN: SecretStr | None = None
    SESSION_SECRET: SecretStr | None = None
    PORT: int = Field(default=8000, ge=1, le=65535)
    PUBLIC_URL: str | None = None
    EXECUTOR_ID: str | None = None
    # Replicas heartbeat every min(10 s, DEAD_REPLICA_SECONDS / 3), so a live one always beats
    # at least three times per window. Values below 30 are for tests; in production keep it well
    # above any stall you expect.
    DEAD_REPLICA_SECONDS: int = Field(default=120, ge=3)
    # How often the janitor looks for dead replicas: 60 is once a minute at :30 (half a minute
    # after the reconcile tick); a divisor of a minute (tests use a few seconds) runs it that often.
    JANITOR_INTERVAL_SECONDS: int = Field(default=60, ge=1, le=60)
    WORKFLOW_RETENTION_DAYS: int = Field(default=30, ge=1)

    # Switches (initial values; changed at run time from the dashboard/API and persisted)
    DRY_RUN: bool = False
    ENABLE_CONNECTOR: bool = True
    LOCATION_OVERRIDE: bool = False

    # Reconcile
    SYNC_INTERVAL_MINUTES: int = Field(default=45, ge=1, le=24 * 60)
    SYNC_INTERVAL_SECONDS: int | None = Field(default=None, ge=1, le=24 * 3600)  # overrides minutes
    SYNC_HOURS_BACK: int = Field(default=48, ge=1, le=24 * 90)
    DAY_OF_SWEEP_TIME: str = "06:00"
    # The most syncs one process runs at once; fewer while a vendor refuses calls for rate (AIMD).
    SYNC_CONCURRENCY: int = Field(default=16, ge=1, le=64)
    # Worker processes `serve` starts beside its web process (0: syncs run in the web process).
    SERVE_WORKERS: int = Field(default=1, ge=0, le=16)
    SYNC_WAIT_SECONDS: float = Field(default=25, ge=0)
    # The first pause before a vendor call or a sync step is tried again (then doubling): the
    # client retries a failed read 4 times from half of it, a write step 5 times from it.
    RETRY_BASE_SECONDS: float = Field(default=1.0, gt=0, le=60)

    # Email
    SENDGRID_API_KEY: SecretStr | None = None
    SMTP_URL: SecretStr | None = None
    EMAIL_FROM: str | None = Field(
        default=None, validation_alias=AliasChoices("EMAIL_FROM", "TRIPLESEAT_EMAIL_SENDER")
    )
    EMAIL_TO: str | None = Field(
        default=None, validation_alias=AliasChoices("EMAIL_TO", "TRIPLESEAT_EMAIL_RECIPIENTS")
    )
    OUTBOX_DIR: Path = Path("./var/outbox")

    # Logs
    LOG_FORMAT: Literal["console", "json"] = "console"
    LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # The replaced system's single-location variables (used only without a locations file)
    TRIPLESEAT_SITE_ID: int | None = None
    REVEL_ESTABLISHMENT_ID: int | None = None
    TIMEZONE: str | None = None

    @field_validator("DAY_OF_SWEEP_TIME")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        hours, _, minutes = value.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
            raise ValueError("expected HH:MM, e.g. 06:00")
        return f"{int(hours):02d}:{int(minutes):02d}"

    @field_validator("SYNC_INTERVAL_SECONDS")
    @classmethod
    def _tick(cls, value: int | None) -> int | None:
        if value is not None and not (60 % value == 0 if value < 60 else value % 60 == 0):
            raise ValueError("must divide a minute (1-30, 60) or be whole minutes")
        return value

    @field_validator("JANITOR_INTERVAL_SECONDS")
    @classmethod
    def _janitor_tick(cls, value: int) -> int:
        if 60 % value != 0:
            raise ValueError("must divide a minute (1-30, 60)")
        return value

    @property
    def sync_interval_seconds(self) -> int:
        return self.SYNC_INTERVAL_SECONDS or self.SYNC_INTERVAL_MINUTES * 60

    @field_validator("REVEL_BASE_URL", "TRIPLESEAT_API_BASE", "PUBLIC_URL")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http(s):// URL")
        return value.rstrip("/")

    @property
    def revel_base_url(self) -> str | None:
        if self.REVEL_BASE_URL:
            return self.REVEL_BASE_URL
        if self.REVEL_DOMAIN:
            return f"https://{self.REVEL_DOMAIN}.revelup.com"
        return None

    @property
    def email_recipients(self) -> list[str]:
        return [a.strip() for a in (self.EMAIL_TO or "").replace(";", ",").split(",") if a.strip()]

    @property
    def is_sqlite(self) -> bool:
        return self.DATABASE_URL.startswith("sqlite")

    def secret_values(self) -> list[str]:
        """Every configured secret, for the log scrubber."""
        secrets = [
            self.TRIPLESEAT_CLIENT_SECRET,
            self.TRIPLESEAT_REFRESH_TOKEN,
            self.TRIPLESEAT_WEBHOOK_SIGNING_KEY,
            self.TRIPLESEAT_WEBHOOK_SIGNING_KEY_PREVIOUS,
            self.REVEL_API_SECRET,
            self.ADMIN_TOKEN,
            self.SESSION_SECRET,
            self.SENDGRID_API_KEY,
            self.SMTP_URL,
            self.REVEL_API_KEY,
        ]
        values = [s.get_secret_value() for s in secrets if s is not None]
        return [v for v in values if len(v) >= 4]

    @cached_property
    def locations(self) -> LocationsConfig:
        """The locations file, or the legacy single-location variables when there is no file."""
        if self.LOCATIONS_FILE.exists():
            return load_locations_file(self.LOCATIONS_FILE)
        if self.TRIPLESEAT_SITE_ID is not None and self.REVEL_ESTABLISHMENT_ID is not None:
            return self._legacy_location()
        raise ConfigError(
            f"{self.LOCATIONS_FILE}: file not found, and TRIPLESEAT_SITE_ID / "
            "REVEL_ESTABLISHMENT_ID are not set (set LOCATIONS_FILE or those variables)"
        )

    def _legacy_location(self) -> LocationsConfig:
        if self.TIMEZONE is not None:
            try:
                to_iana(self.TIMEZONE)
            except ValueError as exc:
                raise ConfigError(f"environment/.env: TIMEZONE: {exc}") from exc
        raw: dict[str, Any] = {
            "location": [
                {
                    "tripleseat_site_id": self.TRIPLESEAT_SITE_ID,
                    "name": f"TripleSeat site {self.TRIPLESEAT_SITE_ID}",
                    "revel_establishment": self.REVEL_ESTABLISHMENT_ID,
                    "timezone": self.TIMEZONE or "America/Los_Angeles",
                }
            ]
        }
        try:
            return LocationsConfig.model_validate(raw)
        except ValidationError as exc:
            raise ConfigError(_format_validation_error("environment", exc)) from exc


def load_settings(**overrides: Any) -> Settings:
    """Build Settings; raise ConfigError (one line, naming the key) on a bad value."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error("environment/.env", exc)) from exc


def validate_for_service(settings: Settings) -> None:
    """Checks that only a running connector needs (not `sandbox`, `db upgrade`, ...)."""
    _ = settings.locations
    missing = [
        name
        for name, value in (
            ("REVEL_BASE_URL (or REVEL_DOMAIN)", settings.revel_base_url),
            ("REVEL_API_KEY", settings.REVEL_API_KEY),
            ("REVEL_API_SECRET", settings.REVEL_API_SECRET),
            ("TRIPLESEAT_CLIENT_ID", settings.TRIPLESEAT_CLIENT_ID),
            ("TRIPLESEAT_CLIENT_SECRET", settings.TRIPLESEAT_CLIENT_SECRET),
        )
        if not value
    ]
    if missing:
        raise ConfigError(f"environment/.env: {missing[0]}: required but not set")
