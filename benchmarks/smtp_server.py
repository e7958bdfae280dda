"""A local SMTP server for the benchmarks, in a process of its own: `python -m benchmarks.smtp_server PORT`.

aiosmtpd on 127.0.0.1, accepting every message and counting, for each envelope sender, the
messages and bytes it accepted, their distinct Message-IDs, the connections they came over and
when the first and last arrived. In a process of its own so that the sender being measured and
the server do not share one interpreter. It prints `READY` once listening; SIGUSR1 prints the
counts as one JSON line; SIGTERM stops it. `SmtpServer` runs it from a benchmark.
"""

import contextlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import time

MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.M | re.I)


class Counts:
    """The aiosmtpd handler: accepts everything, counts it by envelope sender."""

    def __init__(self):
        self.by_sender: dict[str, dict] = {}

    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        counts = self.by_sender.setdefault(envelope.mail_from, {
            "messages": 0, "bytes": 0, "ids": set(), "peers": set(), "first_at": now, "last_at": now})
        counts["messages"] += 1
        counts["bytes"] += len(envelope.content)
        counts["peers"].add(session.peer)
        counts["last_at"] = now
        found = MESSAGE_ID.search(envelope.content)
        if found:
            counts["ids"].add(found.group(1))
        return "250 2.0.0 OK"

    def report(self) -> dict:
        return {sender: {"messages": c["messages"], "bytes": c["bytes"], "distinct_ids": len(c["ids"]),
                         "connections": len(c["peers"]), "first_at": c["first_at"], "last_at": c["last_at"]}
                for sender, c in list(self.by_sender.items())}


class SmtpServer:
    """The server above, started in its own process on 127.0.0.1 and stopped however the run ends."""

    def __init__(self, port: int, cwd):
        self.port, self.cwd = port, cwd
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "SmtpServer":
        self.process = subprocess.Popen([sys.executable, "-m", "benchmarks.smtp_server", str(self.port)],
                                        cwd=self.cwd, stdout=subprocess.PIPE, text=True, start_new_session=True)
        if self._line(30) != "READY":
            self.stop()
            raise RuntimeError("the benchmark's SMTP server did not start")
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def counts(self) -> dict:
        """What it has accepted so far, by envelope sender."""
        self.process.send_signal(signal.SIGUSR1)
        return json.loads(self._line(30))

    def _line(self, timeout: float) -> str:
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            raise RuntimeError(f"the benchmark's SMTP server said nothing within {timeout:g} s")
        return self.process.stdout.readline().strip()

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # its own session: only what we started
            process.wait(timeout=5)


def serve(port: int) -> None:
    from aiosmtpd.controller import Controller

    counts = Counts()
    controller = Controller(counts, hostname="127.0.0.1", port=port)
    stopping = []
    signal.signal(signal.SIGUSR1, lambda *_: print(json.dumps(counts.report()), flush=True))
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    controller.start()
    print("READY", flush=True)
    try:
        while not stopping:
            time.sleep(0.1)
    finally:
        controller.stop()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
