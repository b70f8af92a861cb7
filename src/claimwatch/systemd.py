"""systemd's notify protocol (sd_notify(3)): one datagram per message to $NOTIFY_SOCKET.

The protocol is a few lines, so it is spoken here rather than through a library: READY=1
once started, WATCHDOG=1 while healthy (at half of $WATCHDOG_USEC), STOPPING=1 on the way
out, STATUS= for `systemctl status`. Without $NOTIFY_SOCKET every call does nothing.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger("claimwatch")


def notify(*lines: str) -> bool:
    """Send `lines` ("READY=1", "STATUS=...") as one message; True when it was sent."""
    address = os.environ.get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]  # an abstract socket
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall("\n".join(lines).encode())
    except OSError as exc:
        log.warning("systemd notify to %s failed: %s", address.lstrip("\0"), exc)
        return False
    return True


def watchdog_interval() -> float | None:
    """Seconds between watchdog pings (half the timeout systemd set), or None if unset."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    pid = os.environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0 or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 2_000_000
