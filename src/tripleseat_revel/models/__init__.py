"""ORM models, one file per table. Importing this package registers every table on Base.metadata."""

from tripleseat_revel.models.app_secret import AppSecret
from tripleseat_revel.models.audit_entry import AuditEntry
from tripleseat_revel.models.base import Base, utcnow
from tripleseat_revel.models.email_log import EmailLog
from tripleseat_revel.models.event_record import EventRecord
from tripleseat_revel.models.inbox_delivery import InboxDelivery
from tripleseat_revel.models.oauth_state import OAuthState
from tripleseat_revel.models.oauth_token import OAuthToken
from tripleseat_revel.models.product_mapping import ProductMappingRow
from tripleseat_revel.models.rate_slot import RateSlot
from tripleseat_revel.models.replica import Replica
from tripleseat_revel.models.revel_finding import RevelFinding
from tripleseat_revel.models.revel_op import RevelOp
from tripleseat_revel.models.switch import Switch
from tripleseat_revel.models.sync_pending import SyncPending
from tripleseat_revel.models.sync_run import SyncRun

__all__ = [
    "AppSecret",
    "AuditEntry",
    "Base",
    "EmailLog",
    "EventRecord",
    "InboxDelivery",
    "OAuthState",
    "OAuthToken",
    "ProductMappingRow",
    "RateSlot",
    "Replica",
    "RevelFinding",
    "RevelOp",
    "Switch",
    "SyncPending",
    "SyncRun",
    "utcnow",
]
