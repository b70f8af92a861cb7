"""Storage: SQLModel tables and the Store adapter (SQLite by default, PostgreSQL too)."""

from claimwatch.storage import outbox
from claimwatch.storage.store import NewAlert, PendingDelivery, Recorded, Store, alert_key

__all__ = ["NewAlert", "PendingDelivery", "Recorded", "Store", "alert_key", "outbox"]
