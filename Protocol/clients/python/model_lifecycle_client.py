"""A client for model-lifecycle using only the Python standard library.

Spawn the server (or attach to any pair of binary streams), call methods, receive notifications:

    from model_lifecycle_client import Client, ModelLifecycleError
    with Client.spawn(["model-lifecycle", "--store", "/tmp/s"], actor={"userId": "root", "role": "sysadmin"}) as c:
        tenant = c.call("tenants/create", {"name": "Acme"})

Errors come back as `ModelLifecycleError` with the JSON-RPC `code`, `message`, `data` and, for
application errors, `data_code` (`not_found`, `confirmation_required`, ...).
"""
import json
import subprocess
import threading

__all__ = ["Client", "ModelLifecycleError"]


class ModelLifecycleError(Exception):
    """A JSON-RPC error response."""

    def __init__(self, code, message, data=None):
        # The message says what the data says: the application code, the member and the reason.
        details = []
        if isinstance(data, dict):
            for key in ("code", "field", "reason"):
                if data.get(key) is not None:
                    details.append("%s: %s" % (key, data[key]))
        super().__init__("%s (%s)%s" % (message, code, "; " + ", ".join(details) if details else ""))
        self.code = code
        self.message = message
        self.data = data
        self.data_code = data.get("code") if isinstance(data, dict) else None


class Client:
    """One session. Thread-safe `call`; notifications go to `on_notification(method, params)`."""

    def __init__(self, reader, writer, process=None, on_notification=None):
        self._reader = reader
        self._writer = writer
        self._process = process
        self._write_lock = threading.Lock()
        self._pending = {}
        self._pending_lock = threading.Lock()
        self._next_id = 0
        self._closed = False
        self.on_notification = on_notification
        self._thread = threading.Thread(target=self._read_loop, name="model-lifecycle-reader", daemon=True)
        self._thread.start()

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def spawn(cls, command, actor=None, on_notification=None, stderr=None, initialize=True):
        """Starts the server (`command` is an argv list) and opens a session with `actor`."""
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
        client = cls(process.stdout, process.stdin, process=process, on_notification=on_notification)
        if initialize:
            client.initialize(actor)
        return client

    @classmethod
    def attach(cls, reader, writer, actor=None, on_notification=None, initialize=True):
        """Talks over existing binary streams (a socket's makefile("rb")/("wb"), a pipe pair...)."""
        client = cls(reader, writer, on_notification=on_notification)
        if initialize:
            client.initialize(actor)
        return client

    def initialize(self, actor=None, client_name="model_lifecycle_client.py"):
        params = {"processId": None, "clientInfo": {"name": client_name}, "capabilities": {}}
        if actor is not None:
            params["initializationOptions"] = {"actor": actor}
        result = self.call("initialize", params)
        self.notify("initialized", {})
        return result

    # -- messages ---------------------------------------------------------------------------

    def call(self, method, params=None, timeout=60):
        """Sends a request and returns its result, or raises `ModelLifecycleError`."""
        with self._pending_lock:
            self._next_id += 1
            request_id = self._next_id
            slot = {"event": threading.Event(), "response": None}
            self._pending[request_id] = slot
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)
        if not slot["event"].wait(timeout):
            raise TimeoutError("no answer to %s within %s s" % (method, timeout))
        response = slot["response"]
        if response is None:
            raise ConnectionError("the server closed its output before answering %s" % method)
        if "error" in response:
            e = response["error"]
            raise ModelLifecycleError(e.get("code"), e.get("message"), e.get("data"))
        return response.get("result")

    def notify(self, method, params=None):
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)

    def cancel(self, request_id):
        self.notify("$/cancelRequest", {"id": request_id})

    def close(self):
        """shutdown + exit; returns the server's exit code when it was spawned here."""
        if self._closed:
            return self._process.returncode if self._process else None
        try:
            self.call("shutdown")
            self.notify("exit")
        except (ConnectionError, OSError):
            pass
        self._closed = True
        try:
            self._writer.close()
        except OSError:
            pass
        if self._process is not None:
            return self._process.wait(timeout=30)
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- framing ----------------------------------------------------------------------------

    def _send(self, message):
        body = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        with self._write_lock:
            self._writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self._writer.flush()

    def _read_frame(self):
        length = None
        while True:
            line = self._reader.readline()
            if not line:
                return None
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if length is None:
            raise ValueError("a frame without Content-Length")
        body = self._reader.read(length)
        return json.loads(body.decode("utf-8")) if len(body) == length else None

    def _read_loop(self):
        try:
            while True:
                message = self._read_frame()
                if message is None:
                    break
                for m in message if isinstance(message, list) else [message]:
                    self._dispatch(m)
        finally:
            with self._pending_lock:
                for slot in self._pending.values():
                    slot["event"].set()
                self._pending.clear()

    def _dispatch(self, message):
        if "method" in message:
            if self.on_notification is not None:
                self.on_notification(message["method"], message.get("params"))
            return
        with self._pending_lock:
            slot = self._pending.pop(message.get("id"), None)
        if slot is not None:
            slot["response"] = message
            slot["event"].set()
