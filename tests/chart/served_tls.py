"""launchguard served on loopback, and TLS clients that check its certificate."""
import re
import socket
import ssl
import subprocess
import time
from pathlib import Path

def openssl(*args, stdin=None):
    return subprocess.run(["openssl", *args], capture_output=True, text=True, input=stdin)


class Server:
    """`launchguard serve` on loopback, port 0; the chosen port comes from its log (a file, so
    that a full pipe can never stall the server)."""

    def __init__(self, env, policy, cert, key, state, extra=()):
        self.command = [env.launchguard, "serve", f"--config={policy}", f"--tls-cert={cert}",
                        f"--tls-key={key}", "--listen=127.0.0.1:0", "--ops-listen=127.0.0.1:0",
                        f"--state-dir={state}", "--threads=1", *extra]
        self.log_path = Path(state).parent / f"{Path(state).name}.log"
        self.port, self.process = None, None

    def __enter__(self):
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.time() + 20
        while time.time() < deadline and self.port is None and self.process.poll() is None:
            m = re.search(r'"listener":"webhook","address":"[^"]*:(\d+)"', self.log_path.read_text())
            if m:
                self.port = int(m.group(1))
            else:
                time.sleep(0.05)
        return self

    def log(self):
        return self.log_path.read_text().strip()[-600:]

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def s_client(port, ca, host, servername=None):
    """openssl s_client with verification errors fatal; (succeeded, detail)."""
    p = subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-verify_return_error",
         "-CAfile", str(ca), "-servername", servername or host, "-verify_hostname", host],
        capture_output=True, text=True, input="", timeout=30)
    ok = p.returncode == 0 and "Verify return code: 0 (ok)" in p.stdout
    detail = next((l.strip() for l in (p.stdout + p.stderr).splitlines() if "verify" in l.lower()), "")
    return ok, detail or p.stderr.strip()[-300:]


def https_get(port, ca, host, path):
    context = ssl.create_default_context(cafile=str(ca))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            tls.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            answer = b""
            while chunk := tls.recv(4096):
                answer += chunk
    return answer.decode(errors="replace")
