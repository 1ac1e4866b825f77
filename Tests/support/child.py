"""A child process whose stdout and stderr are collected line by line, with waits on what it
prints: shared by the Python tests that run logwarden as a daemon (Tests/Live, Tests/Delivery)."""
import subprocess
import threading
import time

from harness import Fail, log


class Child:
    def __init__(self, argv, cwd, name="logwarden", stdin=False, env=None):
        self.name, self.argv = name, argv
        log(f"start {name}: " + " ".join(argv))
        self.p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.out, self.err = [], []
        self.cv = threading.Condition()
        self.threads = [threading.Thread(target=self._read, args=(self.p.stdout, self.out), daemon=True),
                        threading.Thread(target=self._read, args=(self.p.stderr, self.err), daemon=True)]
        for t in self.threads:
            t.start()

    def _read(self, stream, sink):
        for raw in iter(stream.readline, b""):
            with self.cv:
                sink.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self.cv.notify_all()
        with self.cv:
            self.cv.notify_all()

    @property
    def pid(self):
        return self.p.pid

    def tail(self, n=25):
        with self.cv:
            err, out = self.err[-n:], self.out[-n:]
        s = f"\n  --- {self.name} stderr (last {len(err)} lines) ---\n" + "\n".join("  " + l for l in err)
        if out:
            s += f"\n  --- {self.name} stdout (last {len(out)} lines) ---\n" + "\n".join("  " + l[:300] for l in out)
        return s

    def wait_line(self, which, pred, timeout, what, start=0):
        """-> (index, line) of the first line at index >= start satisfying pred."""
        sink = self.out if which == "stdout" else self.err
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                for i in range(start, len(sink)):
                    if pred(sink[i]):
                        return i, sink[i]
                start = len(sink)
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                if self.p.poll() is not None and all(not t.is_alive() for t in self.threads):
                    raise Fail(f"{self.name} exited (status {self.p.returncode}) before {what}" + self.tail())
                self.cv.wait(min(left, 0.2))
        raise Fail(f"timed out after {timeout:g}s waiting for {what}" + self.tail())

    def wait_exit(self, timeout):
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            raise Fail(f"{self.name} still running {timeout:g}s later" + self.tail())
        for t in self.threads:
            t.join(2)
        return rc
