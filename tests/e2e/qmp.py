"""Minimal QMP client (stdlib only); every blocking call has a deadline."""

import json
import os
import socket
import time


class QMPError(Exception):
    """QMP protocol error, error response or closed connection."""


class QMPTimeout(QMPError):
    """A QMP operation did not finish within its timeout."""


class QMPCommandError(QMPError):
    """The server answered a command with an error."""

    def __init__(self, command, error):
        self.command = command
        self.error_class = error.get("class", "?")
        self.desc = error.get("desc", "?")
        super().__init__(f"QMP command {command!r} failed: {self.error_class}: {self.desc}")


class QMPClient:
    """A QMP connection over a stream socket.

    Use :meth:`connect_unix` to dial QEMU's ``-qmp unix:PATH,server=on``
    socket, or pass an already connected socket (tests use a socketpair).
    Events arriving at any time are queued in :attr:`events`.
    """

    def __init__(self, sock, log=None):
        self.sock = sock
        self.events = []
        self.history = []     # every event received, also those taken from events
        self.greeting = None
        self._buf = b""
        self._next_id = 0
        self._log = log  # optional file object: a transcript of the traffic

    # -- connection -------------------------------------------------------
    @classmethod
    def connect_unix(cls, path, timeout, alive=None, log=None):
        """Connect to a unix socket that may not exist yet.

        Retries until ``timeout`` seconds have passed; ``alive`` is an
        optional callable that returns False when the server process has
        died, which ends the wait early.
        """
        deadline = time.monotonic() + timeout
        last_err = None
        while True:
            if alive is not None and not alive():
                raise QMPError(f"QMP server died before {path} accepted a connection ({last_err})")
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                sock.connect(os.fspath(path))
                return cls(sock, log=log)
            except OSError as err:
                sock.close()
                last_err = err
            if time.monotonic() >= deadline:
                raise QMPTimeout(f"could not connect to QMP socket {path} within {timeout}s: {last_err}")
            time.sleep(0.05)

    def handshake(self, timeout=10):
        """Read the greeting and enter command mode."""
        self.greeting = self._recv(time.monotonic() + timeout, what="QMP greeting")
        if "QMP" not in self.greeting:
            raise QMPError(f"unexpected QMP greeting: {self.greeting!r}")
        self.execute("qmp_capabilities", timeout=timeout)
        return self.greeting

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- wire -------------------------------------------------------------
    def _trace(self, direction, data):
        if self._log is not None:
            self._log.write(f"{time.strftime('%H:%M:%S')} {direction} {data}\n")
            self._log.flush()

    def _recv(self, deadline, what):
        """Return the next JSON message, or raise QMPTimeout at the deadline."""
        if self.sock is None:
            raise QMPError("QMP connection is closed")
        while b"\n" not in self._buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QMPTimeout(f"timed out waiting for {what}")
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise QMPTimeout(f"timed out waiting for {what}") from None
            except OSError as err:
                raise QMPError(f"QMP connection error while waiting for {what}: {err}") from err
            if not data:
                raise QMPError(f"QMP connection closed by the server while waiting for {what}")
            self._buf += data
        line, self._buf = self._buf.split(b"\n", 1)
        self._trace("<-", line.decode("utf-8", "replace").rstrip())
        try:
            return json.loads(line)
        except ValueError as err:
            raise QMPError(f"malformed QMP message {line!r}: {err}") from err

    def _send(self, msg):
        data = json.dumps(msg)
        self._trace("->", data)
        self.sock.sendall(data.encode() + b"\r\n")

    # -- commands and events ----------------------------------------------
    def _queue(self, event):
        self.events.append(event)
        self.history.append(event)

    def execute(self, command, arguments=None, timeout=30):
        """Run a command and return its ``return`` value.

        Raises QMPCommandError on an error reply and QMPTimeout when no
        reply arrives within ``timeout`` seconds.  Events received in the
        meantime are queued.
        """
        if self.sock is None:
            raise QMPError("QMP connection is closed")
        self._next_id += 1
        cmd_id = f"e2e-{self._next_id}"
        msg = {"execute": command, "id": cmd_id}
        if arguments:
            msg["arguments"] = arguments
        self.sock.settimeout(timeout)
        try:
            self._send(msg)
        except OSError as err:
            raise QMPError(f"could not send QMP command {command!r}: {err}") from err
        deadline = time.monotonic() + timeout
        while True:
            reply = self._recv(deadline, what=f"the reply to {command!r} ({timeout}s)")
            if "event" in reply:
                self._queue(reply)
                continue
            if reply.get("id") != cmd_id:
                continue  # a stale reply to an abandoned command
            if "error" in reply:
                raise QMPCommandError(command, reply["error"])
            if "return" in reply:
                return reply["return"]
            raise QMPError(f"unexpected QMP reply to {command!r}: {reply!r}")

    def take_event(self, names):
        """Remove and return the first queued event named in ``names``."""
        if isinstance(names, str):
            names = (names,)
        for i, ev in enumerate(self.events):
            if ev.get("event") in names:
                return self.events.pop(i)
        return None

    def wait_event(self, names, timeout):
        """Wait for one of the named events (a name or a tuple of names).

        Returns the event dict (removed from the queue); raises QMPTimeout.
        """
        if isinstance(names, str):
            names = (names,)
        deadline = time.monotonic() + timeout
        while True:
            ev = self.take_event(names)
            if ev is not None:
                return ev
            msg = self._recv(deadline, what=f"QMP event {'/'.join(names)} ({timeout}s)")
            if "event" in msg:
                self._queue(msg)

    def poll_events(self, timeout=0.0):
        """Read whatever events arrive within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                msg = self._recv(deadline, what="events")
                if "event" in msg:
                    self._queue(msg)
        except QMPTimeout:
            pass
        return list(self.events)
