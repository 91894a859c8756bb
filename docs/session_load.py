"""GET a path from 8 threads for 20 s, with or without a session cookie; print requests a second and latency.

    python3 docs/session_load.py PORT PATH [SESSION_KEY]

Used for the session figures of docs/performance.md ("Sessions"). Standard library only.
"""

import http.client
import statistics
import sys
import threading
import time

THREADS, SECONDS = 8, 20


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    cookie = sys.argv[3] if len(sys.argv) > 3 else ""
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    print(
        f"{path} cookie={'yes' if cookie else 'no'}: {len(latencies) / SECONDS:.0f} req/s, "
        f"median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms, "
        f"non-200/errors {errors[0]}, {THREADS} threads {SECONDS} s"
    )


if __name__ == "__main__":
    main()
