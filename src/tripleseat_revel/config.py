"""One Settings object (environment + `.env`) and the locations file loader.

Nothing else in the package reads `os.environ`. Names are the operator contract of SPEC §4; the
replaced system's variable names are accepted as aliases so its users can switch over unchanged.
A bad value fails at start-up with one line naming the key and where it came from (`ConfigError`).
"""

from __future__ import annotations

import ipaddress
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

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

from tripleseat_revel.kit.crypto import TokenCipher, parse_keys
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


class RevelIds(_Strict):
    """The ids of the Revel records a location's orders are made with (all required: there are
    no built-in defaults, since each Revel instance and establishment has its own)."""

    dining_option: int
    payment_type: int
    discount: int
    user: int
    pos_station: int


class RevelIdsTable(_Strict):
    """A `[revel]` table: the file-wide one is the base, a location's `[location.revel]` overrides it
    key by key. Any key may be left out of either, as long as every location ends up with all."""

    dining_option: int | None = None
    payment_type: int | None = None
    discount: int | None = None
    user: int | None = None
    pos_station: int | None = None

    def over(self, base: RevelIdsTable) -> dict[str, int | None]:
        """This table's ids on top of `base`'s (None where neither sets one)."""
        mine = self.model_dump()
        return {key: value if mine[key] is None else mine[key] for key, value in base.model_dump().items()}


# The ids the replaced system used (hard-coded there); the documented defaults of its
# single-location variables (REVEL_DINING_OPTION_ID, ...), never of a locations file.
REPLACED_SYSTEM_REVEL_IDS = RevelIds(
    dining_option=113, payment_type=236, discount=3358, user=1, pos_station=4
)


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
    # This location's Revel ids ([location.revel]); each one overrides the file-wide [revel].
    revel: RevelIdsTable = Field(default_factory=RevelIdsTable)

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
    revel: RevelIdsTable = Field(default_factory=RevelIdsTable)  # the base of every location's ids
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

    @model_validator(mode="after")
    def _revel_ids_set(self) -> LocationsConfig:
        for index, loc in enumerate(self.location):
            missing = [key for key, value in loc.revel.over(self.revel).items() if value is None]
            if missing:
                raise ValueError(
                    f"location[{index}].revel.{missing[0]}: not set for location {loc.name!r} "
                    "(no built-in default: set it under [location.revel] or in [revel])"
                )
        return self

    @model_validator(mode="after")
    def _test_establishments_take_no_real_orders(self) -> LocationsConfig:
        for index, loc in enumerate(self.location):
            test = loc.test_establishment
            owner = None if test is None else self.production_owner(test)
            if owner is not None:
                raise ValueError(
                    f"location[{index}].test_establishment: {loc.test_establishment} is the "
                    f"revel_establishment of location {owner!r} (real orders); name an establishment "
                    "that takes no real orders"
                )
        return self

    def production_owner(self, establishment: int) -> str | None:
        """The name of the (first) location whose real orders go to `establishment`, if any."""
        return next((loc.name for loc in self.location if loc.revel_establishment == establishment), None)

    def revel_for(self, location: Location) -> RevelIds:
        """The Revel ids `location`'s orders are made with: its own [location.revel] over [revel]."""
        return RevelIds.model_validate(location.revel.over(self.revel))

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
    message = err["msg"].removeprefix("Value error, ")
    if not parts:  # a check of the whole file: its message names the key
        return f"{source}: {message}"
    return f"{source}: {'.'.join(parts)}: {message}"


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
    # Pagination is bounded (a page that adds nothing new also ends it): past this many pages a
    # search is refused with an error rather than followed for ever.
    TRIPLESEAT_MAX_PAGES: int = Field(default=200, ge=1)

    # Revel
    REVEL_BASE_URL: str | None = None
    REVEL_DOMAIN: str | None = None
    REVEL_API_KEY: SecretStr | None = None
    REVEL_API_SECRET: SecretStr | None = None
    REVEL_RATE_PER_MINUTE: float = Field(default=300, gt=0)
    REVEL_CATALOGUE_TTL_SECONDS: int = Field(default=600, ge=0)
    REVEL_MAX_PAGES: int = Field(default=500, ge=1)  # of 200 objects each; see TRIPLESEAT_MAX_PAGES
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
    # Signs the dashboard's cookies; unset, one is generated once and kept in the database (shared
    # by every replica). Never derived from ADMIN_TOKEN.
    SESSION_SECRET: SecretStr | None = None
    # Fernet key(s), comma-separated (the first encrypts, all decrypt) for the OAuth tokens and
    # the generated session secret kept in the database. `serve` and `worker` require it.
    TOKEN_ENCRYPTION_KEY: SecretStr | None = None
    PORT: int = Field(default=8000, ge=1, le=65535)
    PUBLIC_URL: str | None = None
    # Proxies whose X-Forwarded-For/-Proto are believed (comma-separated IPs or networks, or * when
    # only the platform's proxies, of unknown addresses, reach the app). The client is read from
    # the right of X-Forwarded-For: the FORWARDED_HOPS-th address (each proxy in front appends
    # one), or the first before it that is not in FORWARDED_ALLOW_IPS (web/forwarded.py).
    FORWARDED_ALLOW_IPS: str = "127.0.0.1"
    FORWARDED_HOPS: int = Field(default=1, ge=1, le=10)
    # `serve` refuses a non-loopback interface without an https PUBLIC_URL unless this is true.
    ALLOW_INSECURE_HTTP: bool = False
    EXECUTOR_ID: str | None = None
    # Replicas heartbeat every min(10 s, DEAD_REPLICA_SECONDS / 3), so a live one always beats
    # at least three times per window. Values below 30 are for tests; in production keep it well
    # above any stall you expect.
    DEAD_REPLICA_SECONDS: int = Field(default=120, ge=3)
    # How often the janitor looks for dead replicas: 60 is once a minute at :30 (half a minute
    # after the reconcile tick); a divisor of a minute (tests use a few seconds) runs it that often.
    JANITOR_INTERVAL_SECONDS: int = Field(default=60, ge=1, le=60)
    WORKFLOW_RETENTION_DAYS: int = Field(default=30, ge=1)
    # Webhook deliveries (bodies up to 1 MiB) are deleted, and audit rows lose their data body
    # (their message stays), this many days after they were stored; hourly, never a pending one.
    INBOX_RETENTION_DAYS: int = Field(default=30, ge=1)
    # Failed admin-token attempts (dashboard login, Bearer), per client address and process: after
    # AUTH_MAX_FAILURES within the window the client is answered 429 for AUTH_LOCKOUT_SECONDS,
    # doubled at each further lockout up to AUTH_LOCKOUT_MAX_SECONDS.
    AUTH_MAX_FAILURES: int = Field(default=5, ge=1)
    AUTH_FAILURE_WINDOW_SECONDS: int = Field(default=300, ge=1)
    AUTH_LOCKOUT_SECONDS: int = Field(default=60, ge=1)
    AUTH_LOCKOUT_MAX_SECONDS: int = Field(default=3600, ge=1)

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
    SENDGRID_API_URL: str = "https://api.sendgrid.com"
    SMTP_URL: SecretStr | None = None
    EMAIL_FROM: str | None = Field(
        default=None, validation_alias=AliasChoices("EMAIL_FROM", "TRIPLESEAT_EMAIL_SENDER")
    )
    EMAIL_TO: str | None = Field(
        default=None, validation_alias=AliasChoices("EMAIL_TO", "TRIPLESEAT_EMAIL_RECIPIENTS")
    )
    OUTBOX_DIR: Path = Path("./var/outbox")
    # smtp:// with credentials needs STARTTLS unless this is true (the password would go in clear).
    SMTP_ALLOW_PLAINTEXT: bool = False
    # CA certificate(s) (PEM) that vouch for the relay, for a private or self-signed relay; the
    # system's CAs otherwise. The relay's certificate is always verified.
    SMTP_CA_FILE: Path | None = None

    # Logs
    LOG_FORMAT: Literal["console", "json"] = "console"
    LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # The replaced system's single-location variables (used only without a locations file)
    TRIPLESEAT_SITE_ID: int | None = None
    REVEL_ESTABLISHMENT_ID: int | None = None
    TIMEZONE: str | None = None
    # ...and the Revel ids of that location, defaulting to the ones the replaced system used.
    REVEL_DINING_OPTION_ID: int = REPLACED_SYSTEM_REVEL_IDS.dining_option
    REVEL_PAYMENT_TYPE_ID: int = REPLACED_SYSTEM_REVEL_IDS.payment_type
    REVEL_DISCOUNT_ID: int = REPLACED_SYSTEM_REVEL_IDS.discount
    REVEL_USER_ID: int = REPLACED_SYSTEM_REVEL_IDS.user
    REVEL_POS_STATION_ID: int = REPLACED_SYSTEM_REVEL_IDS.pos_station

    @field_validator("TOKEN_ENCRYPTION_KEY")
    @classmethod
    def _fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_keys(value.get_secret_value())
        return value

    @field_validator("SMTP_URL")
    @classmethod
    def _smtp_url(cls, value: SecretStr | None) -> SecretStr | None:
        """smtp:// or smtps://, a host, a numeric port if any (the message never repeats the URL:
        it holds the password)."""
        if value is None:
            return None
        parts = urlsplit(value.get_secret_value())
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("expected smtp://user:password@host:587 or smtps://user:password@host:465")
        try:
            _ = parts.port
        except ValueError:
            raise ValueError("the port is not a number from 1 to 65535") from None
        return value

    @field_validator("FORWARDED_ALLOW_IPS")
    @classmethod
    def _proxies(cls, value: str) -> str:
        for item in (part.strip() for part in value.split(",")):
            if item and item != "*":
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError:
                    raise ValueError(f"{item!r} is not an IP address or network (or *)") from None
        return value

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

    def token_cipher(self) -> TokenCipher:
        """The cipher of the secrets kept in the database (a pass-through without a key)."""
        key = self.TOKEN_ENCRYPTION_KEY
        return TokenCipher(key.get_secret_value() if key else None)

    @property
    def is_sqlite(self) -> bool:
        return self.DATABASE_URL.startswith("sqlite")

    def secret_values(self) -> list[str]:
        """Every configured secret, for the scrubber of logs and stored error text: each SecretStr
        setting (a new one is included by its type), each key of a TOKEN_ENCRYPTION_KEY rotation
        alone, the Revel `key:secret` pair as it is sent, and the passwords inside DATABASE_URL and
        SMTP_URL (as written and decoded)."""
        values = [
            value.get_secret_value()
            for name in type(self).model_fields
            if isinstance(value := getattr(self, name), SecretStr)
        ]
        if self.TOKEN_ENCRYPTION_KEY is not None:
            values += self.TOKEN_ENCRYPTION_KEY.get_secret_value().split(",")
        key, secret = self.REVEL_API_KEY, self.REVEL_API_SECRET
        if key is not None and secret is not None:
            values.append(f"{key.get_secret_value()}:{secret.get_secret_value()}")
        smtp = self.SMTP_URL.get_secret_value() if self.SMTP_URL is not None else None
        values += _url_passwords(self.DATABASE_URL) + _url_passwords(smtp)
        return [v for v in dict.fromkeys(v.strip() for v in values) if len(v) >= 4]

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
            ],
            "revel": {
                "dining_option": self.REVEL_DINING_OPTION_ID,
                "payment_type": self.REVEL_PAYMENT_TYPE_ID,
                "discount": self.REVEL_DISCOUNT_ID,
                "user": self.REVEL_USER_ID,
                "pos_station": self.REVEL_POS_STATION_ID,
            },
        }
        try:
            return LocationsConfig.model_validate(raw)
        except ValidationError as exc:
            raise ConfigError(_format_validation_error("environment", exc)) from exc


def _url_passwords(url: str | None) -> list[str]:
    """The password of `scheme://user:password@host/...`, as written and percent-decoded."""
    if not url:
        return []
    try:
        password = urlsplit(url).password
    except ValueError:
        return []
    return [password, unquote(password)] if password else []


def load_settings(**overrides: Any) -> Settings:
    """Build Settings; raise ConfigError (one line, naming the key) on a bad value."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error("environment/.env", exc)) from exc


def validate_for_service(settings: Settings) -> None:
    """Checks that only a running connector needs (not `sandbox`, `db upgrade`, ...)."""
    _ = settings.locations
    validate_vendor_credentials(settings)


def validate_vendor_credentials(settings: Settings) -> None:
    """Both vendors' addresses and credentials are set (what any call to them needs)."""
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
