"""History checker: several serving processes on one store, compactions, kills and idle processes.

    python3 Tests/Reliability/history_check.py [--binary .build/release/model-lifecycle] [--seed N]
        [--processes 4] [--ops 1500] [--max-seconds 120] [--threads 3] [--call-timeout 20]
        [--faults compact,kill,idle] [--quick] [--keep]
        [--postgres ADMIN_URI | --store-uri URI] [--pg-cluster VERSION/CLUSTER] [--store-timeout-ms MS]

A Jepsen-style run over the real binary. N serving processes (`BINARY --store STORE`, each a child over
pipes, sysadmin sessions, `MODEL_LIFECYCLE_COMPACTION_BYTES=4096` so writers also compact by themselves)
share one store: a temporary directory, or a PostgreSQL database (below). Worker threads send a seeded
random mix to random processes: `tenants/create` with names drawn from a small sliding pool (tenant names
are unique, so `conflict` answers are frequent), `tenants/update` of `securityEnabled`, and full
`tenants/list` reads (paginated to the end with random page sizes). A nemesis thread meanwhile runs
`BINARY compact --store STORE` (alone or several in a row), SIGKILLs a random process and starts a new one
in its place, and holds selected processes idle across 2-4 compactions before making them write and read
again. Every operation is a history event: process, op, args, invoke and completion time
(time.monotonic), outcome ok / fail (error code) / info (unknown: killed, timed out, or a
`store_unavailable` whose message says the outcome is unknown). The seed fixes each thread's choices; the
interleaving is up to the machine. `--faults` narrows the nemesis (e.g. `--faults kill` or `none`, to tell
which fault a violation needs); the nemesis runs each chosen fault once early in the run, then at random.

On PostgreSQL: `--postgres ADMIN_URI` creates a database `ml_hist_<random>` next to the one ADMIN_URI names
(with psql, the password passed in the environment) and drops it at the end unless --keep; `--store-uri URI`
uses an existing empty database as it is. Every server, `compact` and `verify` gets `--store URI`, the URI
carrying the password (connections over TCP with password authentication; printed as `***`); the servers
get no other libpq settings from the environment. Two more faults, on by default there:
  dbrestart  `pg_ctlcluster VERSION CLUSTER restart -m immediate` (--pg-cluster) while the workers write
             (at most one every few seconds): the whole cluster, every session and in-flight COMMIT;
  dbkill     `pg_terminate_backend` of every session with application_name 'model-lifecycle' on the
             run's database (psql on the admin URI).
A worker answered `store_unavailable` backs off for a moment, as a client would.

Checks, after the run:
  1. visibility: every ok create is in every ok read invoked after that create completed, on every process
     (processes started after restarts included); an update of an ok-created tenant is never `not_found`;
     a read after a definitely-last ok write of `securityEnabled` shows that value.
  2. nothing disappears: no read misses an item that a read completed before it began had seen.
  3. unique names: no two ok creates of one name, no read shows a name (or an item) twice, and a
     `conflict` names a tenant that some earlier or concurrent create attempted.
     Answered failed means not written: a tenant that a read shows and no ok or unknown create explains
     is a violation (`failedButKept` when a create of its name was answered with an error, else
     `phantomItem`), and so is a read showing the value of a failed update where the register check
     decides.
  4. `BINARY verify --store STORE` exits 0 and counts as many tenants as a final full read.
  5. a fresh process started at the end sees every ok create.
Also: every nemesis action that could not be carried out (a restart of the cluster that failed, a psql
that failed, a server that would not start) fails the run, so a run cannot pass without its faults.
Prints violations on stderr and a JSON summary on stdout; exit 0 when there is none, 1 otherwise.
`--quick` (CI): a few hundred operations, under 30 s on a directory; 1,200 and under 60 s on PostgreSQL
(each chosen fault at least once: the run goes past the number until the nemesis has run them all).
"""
import argparse
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Protocol", "clients", "python"))
from model_lifecycle_client import Client, ModelLifecycleError  # noqa: E402

ACTOR = {"userId": "history-check", "role": "sysadmin"}
NAMES_PER_WINDOW = 5      # names a window of the pool offers
WINDOW_TICKETS = 20       # operations before the pool slides on
PAGE_LIMITS = (3, 10, 50, 500)
THINK_SECONDS = 0.01      # a worker's longest pause between operations
NEMESIS_PAUSE = (0.01, 0.08)
EXAMPLES = 12             # violations quoted in the summary
BACKOFF_SECONDS = 0.2     # a worker's pause after a `store_unavailable` answer
DB_RESTART_GAP = 2.0      # seconds between the end of one cluster restart and the next
DB_KILL_GAP = 0.3         # seconds between two terminations of the servers' sessions
START_RETRY_SECONDS = 30  # on PostgreSQL, how long a replacement server is retried while the database is away
# The answers that say a write's outcome is unknown (SPEC.md, "The store"): info, not fail.
UNKNOWN_OUTCOME = ("could not be learnt", "may or may not be durable")


# -- history ---------------------------------------------------------------------------------------

class Event:
    """One operation: `type` is None while running, then "ok", "fail" or "info" (outcome unknown)."""
    __slots__ = ("index", "process", "op", "args", "invoke", "complete", "type", "value", "error")

    def __init__(self, index, process, op, args, invoke):
        self.index, self.process, self.op, self.args, self.invoke = index, process, op, args, invoke
        self.complete = self.type = self.value = self.error = None

    def describe(self):
        span = "%.3f-%.3fs" % (self.invoke, self.complete if self.complete is not None else float("nan"))
        what = json.dumps(self.args, sort_keys=True) if self.args else ""
        return "#%d %s %s %s [%s] %s" % (self.index, self.process, self.op, what, span, self.type)

    def to_json(self):
        return {k: getattr(self, k) for k in self.__slots__}


class History:
    """The thread-safe, append-only list of events; times are seconds since the run began."""

    def __init__(self):
        self.lock = threading.Lock()
        self.events = []
        self.t0 = time.monotonic()

    def now(self):
        return time.monotonic() - self.t0

    def begin(self, process, op, args=None):
        with self.lock:
            event = Event(len(self.events), process, op, args, self.now())
            self.events.append(event)
            return event

    def end(self, event, type_, value=None, error=None):
        event.value, event.error, event.complete = value, error, self.now()
        event.type = type_  # last: other threads read `type` without the lock
        return event

    def of(self, op, *types):
        return [e for e in self.events if e.op == op and (not types or e.type in types)]


# -- the database ----------------------------------------------------------------------------------

def split_password(uri):
    """(URI without its password, the password decoded or None) of a libpq URI."""
    parts = urllib.parse.urlsplit(uri)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return uri, None
    user, password = userinfo.split(":", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc="%s@%s" % (user, hostport))), urllib.parse.unquote(password)


def with_database(uri, name):
    """The URI with its database replaced by `name`."""
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(uri)._replace(path="/" + name))


def database_name(uri):
    return urllib.parse.unquote(urllib.parse.urlsplit(uri).path.lstrip("/"))


class Masker:
    """Replaces the passwords of the URIs in use by `***` in whatever is printed."""

    def __init__(self):
        self.secrets = []

    def add(self, uri):
        raw = urllib.parse.urlsplit(uri).netloc.rpartition("@")[0].partition(":")[2]
        for secret in (raw, urllib.parse.unquote(raw)):
            if secret and secret not in self.secrets:
                self.secrets.append(secret)
        self.secrets.sort(key=len, reverse=True)

    def __call__(self, text):
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


MASK = Masker()


class Database:
    """The run's PostgreSQL database: the store URI the servers get, the admin URI psql uses for the
    faults, the cluster pg_ctlcluster restarts, and whether this run created the database (and drops it)."""

    def __init__(self, store_uri, admin_uri, cluster, created):
        self.store_uri, self.admin_uri, self.cluster, self.created = store_uri, admin_uri, cluster, created
        self.name = database_name(store_uri)
        MASK.add(store_uri)
        MASK.add(admin_uri)

    @classmethod
    def create(cls, admin_uri, cluster):
        """A new database `ml_hist_<random>` in the cluster of `admin_uri`."""
        name = "ml_hist_%s" % secrets.token_hex(6)
        db = cls(with_database(admin_uri, name), admin_uri, cluster, created=True)
        db.psql('CREATE DATABASE "%s"' % name, check=True)
        return db

    @classmethod
    def existing(cls, store_uri, admin_uri, cluster):
        """A database given by the caller; it must hold no store yet (the checks assume an empty start)."""
        db = cls(store_uri, admin_uri or store_uri, cluster, created=False)
        has = db.psql("SELECT to_regclass('model_lifecycle_head') IS NOT NULL", uri=store_uri, check=True)
        if has.stdout.strip() != "f":
            raise SystemExit("%s already holds a store: give an empty database (or --postgres ADMIN_URI)"
                             % MASK(store_uri))
        return db

    def psql(self, sql, uri=None, check=False, timeout=30):
        """One statement through psql; the password goes in the environment, not on the command line."""
        target, password = split_password(uri or self.admin_uri)
        env = dict(os.environ, PGAPPNAME="history_check", PGCONNECT_TIMEOUT="10")
        if password is not None:
            env["PGPASSWORD"] = password
        try:
            done = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql, target],
                                  capture_output=True, text=True, env=env, timeout=timeout)
        except subprocess.TimeoutExpired:
            done = subprocess.CompletedProcess(["psql"], None, "", "psql timed out after %d s" % timeout)
        if check and done.returncode != 0:
            raise SystemExit("psql %s: %s" % (sql, MASK(done.stderr.strip())))
        return done

    def restart(self, history):
        """`pg_ctlcluster VERSION CLUSTER restart -m immediate`, as a nemesis event."""
        version, _, name = self.cluster.partition("/")
        event = history.begin("nemesis", "dbrestart", {"cluster": self.cluster})
        try:
            done = subprocess.run(["pg_ctlcluster", version, name, "restart", "-m", "immediate"],
                                  capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as e:
            return history.end(event, "fail", error="%s: %s" % (type(e).__name__, e))
        if done.returncode != 0:
            return history.end(event, "fail", error="exit %d: %s" % (done.returncode,
                                                                      MASK(done.stderr.strip())[-300:]))
        return history.end(event, "ok")

    def terminate_sessions(self, history):
        """Terminates every session of the servers (and CLI runs) on this database, as a nemesis event."""
        event = history.begin("nemesis", "dbkill")
        done = self.psql("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                         "WHERE application_name = 'model-lifecycle' AND datname = '%s'" % self.name)
        if done.returncode != 0:
            return history.end(event, "fail", error="psql exit %s: %s" % (done.returncode,
                                                                          MASK(done.stderr.strip())[-300:]))
        return history.end(event, "ok", value=int(done.stdout.strip() or 0))

    def drop(self):
        """Drops the database this run created (retried while the cluster is coming back)."""
        if not self.created:
            return
        deadline = time.monotonic() + 60
        while True:
            done = self.psql('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % self.name)
            if done.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(1)
        if done.returncode != 0:
            print("could not drop database %s: %s" % (self.name, MASK(done.stderr.strip())), file=sys.stderr)


# -- processes -------------------------------------------------------------------------------------

class Server:
    """One serving child process with its session."""

    def __init__(self, name, process, client, log):
        self.name, self.process, self.client, self.log = name, process, client, log
        self.alive, self.idle, self.hung, self.busy = True, False, False, 0

    def kill(self):
        """SIGKILL and reap; in-flight calls then fail with ConnectionError."""
        self.alive = False
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        self.reap()

    def stop(self, timeout):
        """shutdown + exit, or SIGKILL when the process does not comply in time."""
        self.alive = False
        try:
            self.client.call("shutdown", timeout=timeout)
            self.client.notify("exit")
            self.process.stdin.close()
            self.process.wait(timeout=timeout)
        except (OSError, ValueError, ConnectionError, TimeoutError, ModelLifecycleError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGKILL)
        self.reap()

    def reap(self):
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError, ValueError):
                stream.close()
        self.log.close()


# libpq's environment: when the store URI carries the password, the servers get none of it, so they
# reach the database by what the URI says alone.
LIBPQ_ENVIRONMENT = ("PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGPASSWORD", "PGPASSFILE", "PGDATABASE",
                     "PGSERVICE", "PGSERVICEFILE", "PGAPPNAME", "PGOPTIONS")


def child_env(args):
    env = dict(os.environ)
    env.pop("MODEL_LIFECYCLE_STORE", None)
    env["MODEL_LIFECYCLE_CATALOG"] = "none"  # the checker's names are its own: no catalog dates
    env["MODEL_LIFECYCLE_COMPACTION_BYTES"] = "4096"
    if args.store_timeout_ms is not None:
        env["MODEL_LIFECYCLE_LOCK_TIMEOUT_MS"] = str(args.store_timeout_ms)
    if args.database is not None and split_password(args.store)[1] is not None:
        for name in LIBPQ_ENVIRONMENT:
            env.pop(name, None)
    return env


def spawn_server(name, args, logs):
    """Starts `binary --store STORE` and opens a sysadmin session; raises when it cannot."""
    log = open(os.path.join(logs, name + ".log"), "ab")
    try:
        process = subprocess.Popen([args.binary, "--store", args.store, "--log-level", "error"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=child_env(args))
    except OSError:
        log.close()
        raise
    client = Client(process.stdout, process.stdin, process=process)
    server = Server(name, process, client, log)
    try:
        client.call("initialize", {"processId": None, "clientInfo": {"name": "history_check.py"}, "capabilities": {},
                                   "initializationOptions": {"actor": ACTOR}}, timeout=args.call_timeout)
        client.notify("initialized", {})
    except BaseException:
        server.kill()
        raise
    return server


def last_line(path):
    """The last line a process logged (why it exited), or ''."""
    with contextlib.suppress(OSError):
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").strip().splitlines()
            return lines[-1][-300:] if lines else ""
    return ""


class Cluster:
    """The live serving processes; picks one for a request and replaces killed or hung ones."""

    def __init__(self, args, logs, history):
        self.args, self.logs, self.history = args, logs, history
        self.lock = threading.Condition()
        self.servers, self.spawned, self.kills, self.restarts, self.start_retries = [], 0, 0, 0, 0

    def start(self, restart=False):
        """One new process, recorded as a `start` event; None when it failed to start. On PostgreSQL a
        process that cannot open the store (the database restarting) is started again for a while."""
        with self.lock:
            self.spawned += 1
            name = "p%d" % self.spawned
        event = self.history.begin(name, "start")
        deadline, attempts = time.monotonic() + START_RETRY_SECONDS, 0
        while True:
            attempts += 1
            try:
                server = spawn_server(name, self.args, self.logs)
                break
            except (OSError, ConnectionError, TimeoutError, ModelLifecycleError) as e:
                error = "%s (attempt %d; %s)" % (e, attempts, last_line(os.path.join(self.logs, name + ".log")))
            if self.args.database is None or time.monotonic() > deadline:
                self.history.end(event, "fail", error=error)
                return None
            with self.lock:
                self.start_retries += 1
            time.sleep(0.5)
        self.history.end(event, "ok", value={"attempts": attempts} if attempts > 1 else None)
        with self.lock:
            self.servers.append(server)
            self.restarts += restart
        return server

    def active(self):
        return [s for s in self.servers if s.alive and not s.idle and not s.hung]

    @contextlib.contextmanager
    def using(self, rng):
        """A random active process, counted busy for the duration; None when none is left."""
        with self.lock:
            candidates = self.active()
            server = rng.choice(candidates) if candidates else None
            if server is not None:
                server.busy += 1
        try:
            yield server
        finally:
            if server is not None:
                with self.lock:
                    server.busy -= 1
                    self.lock.notify_all()

    def wait_quiet(self, server, timeout):
        """Waits until no request is in flight on `server`."""
        with self.lock:
            return self.lock.wait_for(lambda: server.busy == 0, timeout)

    def kill(self, server):
        with self.lock:
            if server not in self.servers:
                return  # killed by another thread already
            self.servers.remove(server)
            self.kills += 1
        event = self.history.begin("nemesis", "kill", {"process": server.name})
        server.kill()
        self.history.end(event, "ok")

    def replace_hung(self, server):
        """A process that let a call time out is killed and replaced."""
        server.hung = True
        self.kill(server)
        self.start(restart=True)

    def stop_all(self):
        with self.lock:
            servers, self.servers = list(self.servers), []
        for server in servers:
            server.stop(timeout=5)


# -- operations ------------------------------------------------------------------------------------

def error_code(e):
    return e.data_code or str(e.code)


def outcome_unknown(e):
    """Whether an error answer says the write may have been kept (SPEC.md: only `store_unavailable`
    saying that the outcome could not be learnt, or may or may not be durable)."""
    reason = e.data.get("reason", "") if isinstance(e.data, dict) else ""
    return error_code(e) == "store_unavailable" and any(m in e.message + reason for m in UNKNOWN_OUTCOME)


def call(history, cluster, server, op, args, body):
    """Runs `body(client)` as one event on `server`; a timeout, a dead process or an answer saying the
    outcome is unknown makes it `info`."""
    event = history.begin(server.name, op, args)
    try:
        return history.end(event, "ok", value=body(server.client))
    except ModelLifecycleError as e:
        if outcome_unknown(e):
            return history.end(event, "info", value=e.message, error="store_unavailable: outcome unknown")
        return history.end(event, "fail", value=e.message if error_code(e) == "store_unavailable" else None,
                           error=error_code(e))
    except TimeoutError as e:
        history.end(event, "info", error="timeout: %s" % e)
        cluster.replace_hung(server)
        return event
    except (ConnectionError, OSError, ValueError) as e:
        return history.end(event, "info", error="%s: %s" % (type(e).__name__, e))


def create(history, cluster, server, name, secure, timeout):
    args = {"name": name, "securityEnabled": secure}
    return call(history, cluster, server, "create", args,
                lambda c: c.call("tenants/create", args, timeout=timeout))


def update(history, cluster, server, tenant_id, secure, timeout):
    args = {"id": tenant_id, "securityEnabled": secure}
    return call(history, cluster, server, "update", args,
                lambda c: c.call("tenants/update", args, timeout=timeout))


def read_all(client, limit, timeout):
    """Every page of `tenants/list`, as (id, name, securityEnabled) tuples in page order."""
    items, cursor = [], None
    while True:
        params = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        page = client.call("tenants/list", params, timeout=timeout)
        items += [(t["id"], t["name"], t["securityEnabled"]) for t in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            return items


def read(history, cluster, server, limit, timeout):
    return call(history, cluster, server, "read", {"limit": limit}, lambda c: read_all(c, limit, timeout))


def compact(history, args):
    """One `BINARY compact --store STORE` from the command line."""
    event = history.begin("cli", "compact")
    try:
        done = subprocess.run([args.binary, "compact", "--store", args.store], capture_output=True, text=True,
                              env=child_env(args), timeout=args.call_timeout)
    except subprocess.TimeoutExpired:
        return history.end(event, "info", error="timeout")
    if done.returncode != 0:
        return history.end(event, "fail", error="exit %d: %s" % (done.returncode, MASK(done.stderr.strip())[-300:]))
    return history.end(event, "ok")


# -- workload --------------------------------------------------------------------------------------

class Budget:
    """Operation tickets, bounded in number and in time. While `owed()` says the nemesis has not yet run
    every chosen fault once, tickets are handed out past the number (not past the time)."""

    def __init__(self, ops, seconds):
        self.lock = threading.Lock()
        self.left, self.taken, self.deadline = ops, 0, time.monotonic() + seconds
        self.owed = lambda: False

    def take(self):
        with self.lock:
            if (self.left <= 0 and not self.owed()) or time.monotonic() > self.deadline:
                return None
            self.left -= 1
            self.taken += 1
            return self.taken


def pool_name(rng, ticket):
    """A name from a small window that slides as the run goes on (sometimes from the previous window)."""
    window = max(0, ticket // WINDOW_TICKETS - (rng.random() < 0.2))
    return "t%04d-%d" % (window, rng.randrange(NAMES_PER_WINDOW))


def acked_ids(history):
    return [e.value["id"] for e in history.of("create", "ok")]


def worker(rng, budget, history, cluster, args):
    """Creates, updates and reads on random active processes until the budget runs out."""
    while True:
        time.sleep(rng.uniform(0, THINK_SECONDS))
        ticket = budget.take()
        if ticket is None:
            return
        with cluster.using(rng) as server:
            if server is None:
                return
            r, known = rng.random(), acked_ids(history)
            if r < 0.45 or not known:
                e = create(history, cluster, server, pool_name(rng, ticket), rng.random() < 0.5, args.call_timeout)
            elif r < 0.6:
                e = update(history, cluster, server, rng.choice(known), rng.random() < 0.5, args.call_timeout)
            else:
                e = read(history, cluster, server, rng.choice(PAGE_LIMITS), args.call_timeout)
        if (e.error or "").startswith("store_unavailable"):
            time.sleep(BACKOFF_SECONDS)  # the database is away: a client backs off


# The nemesis's actions: (action, the fault that enables it, weight).
NEMESIS_ACTIONS = (("compact", "compact", 0.30), ("compactions", "compact", 0.12), ("kill", "kill", 0.18),
                   ("idle", "idle", 0.22), ("dbrestart", "dbrestart", 0.15), ("dbkill", "dbkill", 0.12))
WARM_UP_TICKETS = 20      # operations before the nemesis's first action


class Nemesis:
    """Compactions, kills with restarts, idle-across-compaction episodes and, on PostgreSQL, restarts of
    the cluster and terminated sessions, until the workers are done. Each chosen fault runs once early."""

    def __init__(self, rng, budget, history, cluster, args):
        self.rng, self.budget, self.history, self.cluster, self.args = rng, budget, history, cluster, args
        self.idle_episodes = 0
        self.pending = sorted(args.faults)
        self.rng.shuffle(self.pending)
        self.last = {}  # action -> when it last ended (history time)

    def run(self, done):
        if not self.args.faults:
            return
        while not done.wait(self.rng.uniform(*NEMESIS_PAUSE)):
            if self.budget.taken < WARM_UP_TICKETS:
                continue
            action = self.choose()
            if action is None:
                continue  # every enabled fault is within its gap: no ticket spent
            if self.budget.take() is None:
                return
            getattr(self, "do_" + action)()
            self.last[action] = self.history.now()
            if action in self.pending:
                self.pending.remove(action)  # only now: the workers go on while it runs

    def choose(self):
        """The next action: the faults not run yet first, then a weighted draw among the enabled ones
        (a cluster restart or a termination not sooner than its gap after the last)."""
        now = self.history.now()
        gaps = {"dbrestart": DB_RESTART_GAP, "dbkill": DB_KILL_GAP}
        if self.pending:
            return self.pending[0]
        eligible = [(a, w) for a, fault, w in NEMESIS_ACTIONS if fault in self.args.faults
                    and now - self.last.get(a, -1e9) >= gaps.get(a, 0)]
        if not eligible:
            return None
        r = self.rng.uniform(0, sum(w for _, w in eligible))
        for action, weight in eligible:
            r -= weight
            if r < 0:
                return action
        return eligible[-1][0]

    def do_compact(self):
        compact(self.history, self.args)

    def do_compactions(self):
        self.compactions(self.rng.randint(2, 4))

    def do_kill(self):
        self.kill_and_restart()

    def do_idle(self):
        self.idle_episode()

    def do_dbrestart(self):
        self.args.database.restart(self.history)

    def do_dbkill(self):
        self.args.database.terminate_sessions(self.history)

    def compactions(self, n):
        """Several compactions in a row, with a moment for writes between them."""
        for _ in range(n):
            compact(self.history, self.args)
            time.sleep(self.rng.uniform(0.0, 0.05))

    def kill_and_restart(self):
        with self.cluster.lock:
            victims = self.cluster.active()
        if victims:
            self.cluster.kill(self.rng.choice(victims))
            self.cluster.start(restart=True)

    def idle_episode(self):
        """Holds one or two processes idle across 2-4 compactions, then has them write and read."""
        with self.cluster.lock:
            candidates = self.cluster.active()
            if len(candidates) < 2:
                return
            idle = self.rng.sample(candidates, self.rng.randint(1, min(2, len(candidates) - 1)))
            for server in idle:
                server.idle = True
        try:
            if not all(self.cluster.wait_quiet(s, self.args.call_timeout) for s in idle):
                return
            self.idle_episodes += 1
            self.compactions(self.rng.randint(2, 4))
            for server in idle:
                self.wake(server)
        finally:
            for server in idle:
                server.idle = False

    def wake(self, server):
        """The first requests of a process that sat idle: a create, a read there, a read elsewhere."""
        timeout, ticket = self.args.call_timeout, self.budget.taken
        if not server.alive:
            return
        create(self.history, self.cluster, server, pool_name(self.rng, ticket), self.rng.random() < 0.5, timeout)
        if server.alive:
            read(self.history, self.cluster, server, self.rng.choice(PAGE_LIMITS), timeout)
        with self.cluster.using(self.rng) as other:
            if other is not None:
                read(self.history, self.cluster, other, self.rng.choice(PAGE_LIMITS), timeout)


def run_schedule(args, history, cluster):
    """Starts the processes, runs the workers and the nemesis to the end of the budget."""
    for _ in range(args.processes):
        if cluster.start() is None:
            raise SystemExit("the server did not start: %s" % history.of("start", "fail")[-1].error)
    budget = Budget(args.ops, args.max_seconds)
    threads = [threading.Thread(target=worker, name="worker-%d" % i, daemon=True,
                                args=(random.Random("%d-worker-%d" % (args.seed, i)), budget, history, cluster, args))
               for i in range(args.threads)]
    nemesis = Nemesis(random.Random("%d-nemesis" % args.seed), budget, history, cluster, args)
    budget.owed = lambda: bool(nemesis.pending)
    done = threading.Event()
    chaos = threading.Thread(target=nemesis.run, args=(done,), name="nemesis", daemon=True)
    for t in threads + [chaos]:
        t.start()
    for t in threads:
        t.join()
    done.set()
    chaos.join()
    return nemesis


def final_phase(args, history, cluster):
    """A read on every live process, then `verify` and a read from a fresh process."""
    rng = random.Random("%d-final" % args.seed)
    for server in list(cluster.servers):
        if server.alive:
            read(history, cluster, server, rng.choice(PAGE_LIMITS), args.call_timeout)
    cluster.stop_all()
    verify = run_verify(args)
    fresh = cluster.start()
    final = read(history, cluster, fresh, 500, args.call_timeout) if fresh else None
    cluster.stop_all()
    return verify, final


def run_verify(args):
    try:
        done = subprocess.run([args.binary, "verify", "--store", args.store], capture_output=True, text=True,
                              env=child_env(args), timeout=120)
    except subprocess.TimeoutExpired:
        return {"exitCode": None, "error": "timeout"}
    try:
        report = json.loads(done.stdout)
    except ValueError:
        report = {}
    return {"exitCode": done.returncode, "sound": report.get("sound"), "counts": report.get("counts"),
            "layout": report.get("layout"), "generation": report.get("generation"),
            "position": report.get("position"), "violations": report.get("violations"),
            "stderr": MASK(done.stderr.strip())[-300:] or None}


# -- checks ----------------------------------------------------------------------------------------

class Findings:
    """Violations by kind, each a concrete description with the time it became observable."""

    def __init__(self):
        self.by_kind = {}

    def add(self, kind, text, at):
        self.by_kind.setdefault(kind, []).append((at, text))

    def count(self, kind):
        return len(self.by_kind.get(kind, []))

    def ordered(self, kind):
        return sorted(self.by_kind.get(kind, []), key=lambda f: f[0])

    def first(self):
        found = [(at, kind, text) for kind, fs in self.by_kind.items() for at, text in fs]
        return "%s at %.3fs: %s" % (min(found)[1], min(found)[0], min(found)[2]) if found else None

    def examples(self):
        """The earliest violation of each kind, then the earliest others."""
        firsts = [(self.ordered(k)[0], k) for k in self.by_kind]
        rest = sorted((f, k) for k in self.by_kind for f in self.ordered(k)[1:])
        return ["%s at %.3fs: %s" % (k, at, text) for (at, text), k in (sorted(firsts) + rest)[:EXAMPLES]]


def by_time(events, key):
    return sorted(events, key=lambda e: getattr(e, key))


def check_visibility(history, findings):
    """1. Every ok create is in every ok read invoked after it completed; returns the ids missed anywhere."""
    creates, lost = by_time(history.of("create", "ok"), "complete"), {}
    acked, i = {}, 0
    by_id = {w.value["id"]: w for w in creates}
    for r in by_time(history.of("read", "ok"), "invoke"):
        while i < len(creates) and creates[i].complete < r.invoke:
            acked[creates[i].value["id"]] = creates[i]
            i += 1
        seen = {item[0] for item in r.value}
        missing = [w for tid, w in acked.items() if tid not in seen]
        for w in missing:
            lost.setdefault(w.value["id"], []).append(r)
        if missing:
            findings.add("staleRead", "read %s misses %d acknowledged creates, e.g. %s (id %s)" % (
                r.describe(), len(missing), missing[0].describe(), missing[0].value["id"]), r.complete)
    for tid, reads in lost.items():
        w = by_id[tid]
        findings.add("lost", "create %s (id %s) missing from %d later reads, first %s; writer %s; reader %s" % (
            w.describe(), tid, len(reads), reads[0].describe(), idle_before(history, w),
            idle_before(history, reads[0])), reads[0].complete)
    return lost


def idle_before(history, event):
    """Diagnosis: the longest idle gap of the event's process before it, in CLI compactions."""
    own = by_time([e for e in history.events if e.process == event.process and e.complete is not None
                   and e.invoke <= event.invoke], "invoke")
    compactions = history.of("compact", "ok")
    widest, at = 0, None
    for prev, nxt in zip(own, own[1:]):
        n = sum(prev.complete < c.invoke and c.complete < nxt.invoke for c in compactions)
        if n > widest:
            widest, at = n, nxt.invoke
    if not widest:
        return "%s never sat idle across a CLI compaction" % event.process
    return "%s sat idle across %d CLI compactions until %.3fs" % (event.process, widest, at)


def check_updates_found(history, findings):
    """1. An update of an ok-created tenant, invoked after the create completed, is never `not_found`."""
    created = {e.value["id"]: e for e in history.of("create", "ok")}
    for u in history.of("update", "fail"):
        w = created.get(u.args["id"])
        if u.error == "not_found" and w is not None and w.complete < u.invoke:
            findings.add("updateNotFound", "update %s: not_found for create %s" % (u.describe(), w.describe()),
                         u.complete)


def register_writes(history):
    """The writes of each tenant's securityEnabled that may have taken effect: its create, then updates."""
    writes = {}
    for w in history.of("create", "ok"):
        writes.setdefault(w.value["id"], []).append((w, w.args["securityEnabled"]))
    for u in history.of("update", "ok", "info"):
        writes.setdefault(u.args["id"], []).append((u, u.args["securityEnabled"]))
    return writes


def allowed_values(writes, read):
    """The values a read may show, or None when any may be right. The last write begun before the read
    began decides when it was ok, completed before the read began and every other such write completed
    before it began; writes begun while the read ran (its pages are not one snapshot) may show too."""
    before = [(w, v) for w, v in writes if w.invoke < read.invoke]
    if not before:
        return None
    last, value = max(before, key=lambda wv: wv[0].invoke)
    if last.type != "ok" or last.complete >= read.invoke:
        return None
    if any(w is not last and (w.type != "ok" or w.complete >= last.invoke) for w, _ in before):
        return None
    return last, {value} | {v for w, v in writes if read.invoke <= w.invoke < read.complete}


def check_register(history, findings):
    """1. Reads show the value of a definitely-last ok write of securityEnabled (or a concurrent one); a
    value that only an update answered with an error wrote is `failedButKept`."""
    writes = register_writes(history)
    failed = {}
    for u in history.of("update", "fail"):
        failed.setdefault((u.args["id"], u.args["securityEnabled"]), []).append(u)
    for r in history.of("read", "ok"):
        wrong = []
        for tid, _, shown in r.value:
            allowed = allowed_values(writes.get(tid, []), r)
            if allowed is not None and shown not in allowed[1]:
                culprits = [u for u in failed.get((tid, shown), []) if allowed[0].invoke < u.invoke < r.complete]
                wrong.append((tid, shown, allowed[0], culprits))
        for tid, shown, last, culprits in wrong:
            if culprits:
                findings.add("failedButKept", "read %s shows securityEnabled=%s for %s, written only by update %s "
                             "answered %s (%s); last ok write %s" % (
                                 r.describe(), shown, tid, culprits[0].describe(), culprits[0].error,
                                 culprits[0].value, last.describe()), r.complete)
        stale = [w for w in wrong if not w[3]]
        if stale:
            tid, shown, last, _ = stale[0]
            findings.add("staleValue", "read %s shows %d stale values, e.g. securityEnabled=%s for %s, last write %s"
                         % (r.describe(), len(stale), shown, tid, last.describe()), r.complete)


def check_failed_not_kept(history, findings):
    """3. Answered failed means not written: every tenant a read shows comes from an ok create, or from a
    create of its name whose outcome is unknown (info) invoked before the read completed. Names are never
    reused (no deletes), so a name is one tenant for the whole run."""
    ok_ids = {e.value["id"] for e in history.of("create", "ok")}
    unknown, failed, reported = {}, {}, set()
    for e in history.of("create", "info"):
        unknown[e.args["name"]] = min(e.invoke, unknown.get(e.args["name"], e.invoke))
    for e in history.of("create", "fail"):
        failed.setdefault(e.args["name"], []).append(e)
    for r in by_time(history.of("read", "ok"), "complete"):
        for tid, name, _ in r.value:
            if tid in ok_ids or tid in reported or unknown.get(name, float("inf")) < r.complete:
                continue
            reported.add(tid)
            culprits = sorted((f for f in failed.get(name, []) if f.invoke < r.complete),
                              key=lambda f: (f.error != "store_unavailable", f.invoke))
            if culprits:
                f = culprits[0]
                findings.add("failedButKept", "read %s shows %s %r, which no ok or unknown create explains; create "
                             "%s was answered %s (%s)" % (r.describe(), tid, name, f.describe(), f.error,
                                                          f.value or "no message kept"), r.complete)
            else:
                findings.add("phantomItem", "read %s shows %s %r, which no create attempted before it" % (
                    r.describe(), tid, name), r.complete)


def check_no_disappearance(history, findings):
    """2. No read misses an item that a read completed before it began had seen."""
    reads = history.of("read", "ok")
    done, known, i = by_time(reads, "complete"), {}, 0
    for r in by_time(reads, "invoke"):
        while i < len(done) and done[i].complete < r.invoke:
            for tid, name, _ in done[i].value:
                known.setdefault(tid, (name, done[i]))
            i += 1
        seen = {item[0] for item in r.value}
        gone = [(tid, name, w) for tid, (name, w) in known.items() if tid not in seen]
        if gone:
            tid, name, witness = gone[0]
            findings.add("disappeared", "read %s misses %d items seen before, e.g. %s %r seen by %s" % (
                r.describe(), len(gone), tid, name, witness.describe()), r.complete)


def check_unique_names(history, findings):
    """3. One ok create per name; no name or item twice in a read; a conflict names an attempted tenant."""
    by_name = {}
    for w in history.of("create", "ok"):
        by_name.setdefault(w.args["name"], []).append(w)
    for name, ws in sorted(by_name.items()):
        if len(ws) > 1:
            findings.add("duplicateCreate", "%d ok creates of %r: %s" % (
                len(ws), name, "; ".join("%s id %s" % (w.describe(), w.value["id"]) for w in ws)), ws[1].complete)
    for r in history.of("read", "ok"):
        ids, names = [item[0] for item in r.value], {}
        for tid, name, _ in {item[0]: item for item in r.value}.values():
            names.setdefault(name, []).append(tid)
        if len(set(ids)) != len(ids):
            findings.add("duplicateItem", "read %s lists an item twice across its pages" % r.describe(), r.complete)
        for name, tids in sorted(names.items()):
            if len(tids) > 1:
                findings.add("duplicateName", "read %s shows %r %d times: %s" % (
                    r.describe(), name, len(tids), ", ".join(tids)), r.complete)
    check_conflicts_explained(history, findings)


def check_conflicts_explained(history, findings):
    """3. A `conflict` answer to a create names a tenant some create attempted before it completed."""
    attempts = history.of("create", "ok", "info")
    for f in history.of("create", "fail"):
        if f.error == "conflict" and not any(a.args["name"] == f.args["name"] and a.invoke < f.complete
                                             for a in attempts):
            findings.add("phantomConflict", "create %s refused with conflict, no such name attempted" % f.describe(),
                         f.complete)


def check_end(history, verify, final, findings):
    """4 and 5. verify is sound and agrees with a fresh process's read, which holds every ok create."""
    end = history.now()
    if verify.get("exitCode") != 0:
        findings.add("verify", "verify exit %s: %s" % (verify.get("exitCode"), verify.get("violations")
                                                         or verify.get("stderr") or verify.get("error")), end)
    if final is None or final.type != "ok":
        findings.add("finalRead", "no final read from a fresh process: %s" % (final.error if final else "no start"),
                     end)
        return
    counted = (verify.get("counts") or {}).get("tenants")
    if counted != len(final.value):
        findings.add("verifyCount", "verify counts %s tenants, the fresh read %d" % (counted, len(final.value)), end)
    present = {item[0] for item in final.value}
    for w in history.of("create", "ok"):
        if w.value["id"] not in present:
            findings.add("lostAtEnd", "create %s (id %s) not seen by the fresh process %s" % (
                w.describe(), w.value["id"], final.process), final.complete)


def check_starts_and_compactions(history, findings):
    """Every server start, CLI compaction and database fault must have been carried out."""
    for op in ("start", "compact", "dbrestart", "dbkill"):
        for e in history.of(op, "fail"):
            findings.add("%sFailed" % op, "%s: %s" % (e.describe(), e.error), e.complete)


def check(history, verify, final):
    findings = Findings()
    lost = check_visibility(history, findings)
    check_updates_found(history, findings)
    check_register(history, findings)
    check_no_disappearance(history, findings)
    check_unique_names(history, findings)
    check_failed_not_kept(history, findings)
    check_end(history, verify, final, findings)
    check_starts_and_compactions(history, findings)
    return findings, lost


# -- run -------------------------------------------------------------------------------------------

def summary(args, history, cluster, nemesis, verify, findings, lost, seconds):
    creates, writes = history.of("create"), history.of("create") + history.of("update")
    result = {
        "seed": args.seed, "processes": args.processes,
        "store": MASK(args.store) if args.database is not None else "directory",
        "faults": ",".join(sorted(args.faults)) or "none", "operations": len(history.events),
        "okWrites": sum(e.type == "ok" for e in creates),
        "conflicts": sum(e.type == "fail" and e.error == "conflict" for e in creates),
        "unknownWrites": sum(e.type == "info" for e in creates),
        "okUpdates": len(history.of("update", "ok")), "reads": len(history.of("read", "ok")),
        "compactions": len(history.of("compact", "ok")), "kills": cluster.kills, "restarts": cluster.restarts,
        "idleAcrossCompactionEpisodes": nemesis.idle_episodes,
        "lost": len(lost), "lostAtEnd": findings.count("lostAtEnd"), "staleReads": findings.count("staleRead"),
        "disappeared": findings.count("disappeared"),
        "duplicateNames": findings.count("duplicateCreate") + findings.count("duplicateName"),
        "failedButKept": findings.count("failedButKept"),
        "verify": {k: verify.get(k) for k in ("exitCode", "sound", "counts")},
        "violations": {kind: len(v) for kind, v in sorted(findings.by_kind.items())},
        "firstViolation": findings.first(), "examples": findings.examples(), "seconds": round(seconds, 1),
    }
    if args.database is not None:
        result.update({
            "dbRestarts": len(history.of("dbrestart", "ok")), "dbKills": len(history.of("dbkill", "ok")),
            "terminatedSessions": sum(e.value for e in history.of("dbkill", "ok")),
            # creates and updates answered store_unavailable: with nothing written, or with the outcome unknown
            "unavailableWrites": sum(e.type == "fail" and e.error == "store_unavailable" for e in writes),
            "indeterminateWrites": sum(e.type == "info" and e.error == "store_unavailable: outcome unknown"
                                       for e in writes),
            "unavailableReads": len([e for e in history.of("read", "fail") if e.error == "store_unavailable"]),
            "callTimeouts": sum((e.error or "").startswith("timeout") for e in writes + history.of("read")),
            "startRetries": cluster.start_retries,
        })
        result["verify"].update({k: verify.get(k) for k in ("layout", "generation", "position")})
    return result


def report(findings, limit=30):
    """The earliest violations of each kind on stderr."""
    for kind in sorted(findings.by_kind):
        found = findings.ordered(kind)
        for at, text in found[:limit]:
            print(MASK("VIOLATION %s at %.3fs: %s" % (kind, at, text)), file=sys.stderr)
        if len(found) > limit:
            print("VIOLATION %s: ... %d more" % (kind, len(found) - limit), file=sys.stderr)


FILE_FAULTS = ("compact", "kill", "idle")
DATABASE_FAULTS = ("dbrestart", "dbkill")


def faults(text):
    chosen = set(text.split(",")) - {"none", ""}
    if chosen - set(FILE_FAULTS + DATABASE_FAULTS):
        raise argparse.ArgumentTypeError("unknown fault in %r" % text)
    return chosen


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "model-lifecycle"))
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--processes", type=int, default=4, choices=range(3, 9), metavar="3..8")
    ap.add_argument("--ops", type=int, default=1500, help="operations, nemesis included")
    ap.add_argument("--max-seconds", type=float, default=120, help="bound on the schedule")
    ap.add_argument("--threads", type=int, default=3, help="worker threads")
    ap.add_argument("--call-timeout", type=float, default=20, help="seconds before a call is given up (info)")
    ap.add_argument("--faults", type=faults,
                    help="nemesis actions, a comma list of compact, kill, idle, dbrestart, dbkill (or none); "
                         "default compact,kill,idle, and dbrestart,dbkill on PostgreSQL")
    ap.add_argument("--quick", action="store_true",
                    help="a few hundred operations, under 30 s (1,200 and under 60 s on PostgreSQL)")
    ap.add_argument("--keep", action="store_true", help="keep the store (directory or database), the logs and "
                                                       "history.json")
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--postgres", metavar="ADMIN_URI",
                       help="a PostgreSQL URI of a role that may create databases: the run creates a fresh "
                            "database next to it, serves from it and drops it at the end (unless --keep)")
    where.add_argument("--store-uri", metavar="URI", help="an existing, empty PostgreSQL database to serve from "
                                                          "(left as it is at the end)")
    ap.add_argument("--pg-cluster", metavar="VERSION/CLUSTER",
                    help="the cluster the database is in, for dbrestart (pg_ctlcluster VERSION CLUSTER restart "
                         "-m immediate), e.g. 15/main or \"$PGVERSION/regress\" under pg_virtualenv")
    ap.add_argument("--store-timeout-ms", type=int,
                    help="MODEL_LIFECYCLE_LOCK_TIMEOUT_MS for every process (default: the server's, 10 s); "
                         "below a cluster restart's outage, writes caught in COMMIT answer that the outcome is "
                         "unknown")
    ap.add_argument("--store", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    args.database = None
    on_database = bool(args.postgres or args.store_uri)
    for uri in (args.postgres, args.store_uri):
        if uri and not (uri.startswith("postgresql://") or uri.startswith("postgres://")):
            ap.error("a PostgreSQL URI starts postgresql:// or postgres://")
    if args.faults is None:
        args.faults = set(FILE_FAULTS)
        if on_database:
            args.faults |= {"dbkill"} | ({"dbrestart"} if args.pg_cluster else set())
    if not on_database and args.faults & set(DATABASE_FAULTS):
        ap.error("dbrestart and dbkill need --postgres or --store-uri")
    if "dbrestart" in args.faults and not args.pg_cluster:
        ap.error("dbrestart needs --pg-cluster VERSION/CLUSTER")
    if args.pg_cluster and not re.fullmatch(r"[0-9.]+/[A-Za-z0-9_.-]+", args.pg_cluster):
        ap.error("--pg-cluster is VERSION/CLUSTER, e.g. 15/main")
    if args.quick:
        if on_database:
            # A cluster restart takes a few seconds; a call may wait out the store timeout a few times.
            args.ops, args.max_seconds = min(args.ops, 1200), min(args.max_seconds, 25)
            args.call_timeout = max(30, 3 * (args.store_timeout_ms or 10000) / 1000)
        else:
            args.ops, args.max_seconds, args.call_timeout = min(args.ops, 400), min(args.max_seconds, 15), 5
    args.binary = os.path.abspath(args.binary)
    return args


def run_and_check(args, work):
    """The run in `work` (store and logs); returns the exit code."""
    logs = os.path.join(work, "logs")
    os.makedirs(logs)
    history = History()
    cluster = Cluster(args, logs, history)
    try:
        nemesis = run_schedule(args, history, cluster)
        verify, final = final_phase(args, history, cluster)
    finally:
        cluster.stop_all()
        if args.keep:
            with open(os.path.join(work, "history.json"), "w") as f:
                json.dump([e.to_json() for e in history.events], f)
    findings, lost = check(history, verify, final)
    report(findings)
    print(MASK(json.dumps(summary(args, history, cluster, nemesis, verify, findings, lost, history.now()),
                          indent=2)))
    return 1 if findings.by_kind else 0


def masked_traceback(kind, value, tb):
    sys.stderr.write(MASK("".join(traceback.format_exception(kind, value, tb))))


def main(argv=None):
    args = parse_args(argv)
    started = time.monotonic()
    sys.excepthook = masked_traceback
    threading.excepthook = lambda a: masked_traceback(a.exc_type, a.exc_value, a.exc_traceback)
    work = tempfile.mkdtemp(prefix="model-lifecycle-history-")
    try:
        if args.postgres:
            args.database = Database.create(args.postgres, args.pg_cluster)
        elif args.store_uri:
            args.database = Database.existing(args.store_uri, None, args.pg_cluster)
        args.store = args.database.store_uri if args.database else os.path.join(work, "store")
        code = run_and_check(args, work)
        print("history check: %.1f s in all" % (time.monotonic() - started), file=sys.stderr)
        return code
    finally:
        if args.keep:
            kept = " and database %s" % MASK(args.store) if args.database else ""
            print("kept %s (store, logs, history.json)%s" % (work, kept), file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
            if args.database is not None:
                args.database.drop()


if __name__ == "__main__":
    sys.exit(main())
