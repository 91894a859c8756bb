"""GET a path from 8 threads for 20 s, with or without a session cookie; print requests a second and latency.

    python3 docs/session_load.py PORT PATH [SESSION_KEY]

Used for the session figures of docs/performance.md ("Sessions"). Standard library only.
"""
import http.client, statistics, sys, threading, time
host, port = "127.0.0.1", int(sys.argv[1]); path = sys.argv[2]; cookie = sys.argv[3] if len(sys.argv) > 3 else ""
THREADS, SECONDS = 8, 20
lat, errors, stop = [], [0], time.monotonic() + SECONDS
lock = threading.Lock()
def worker():
    conn = http.client.HTTPConnection(host, port, timeout=10)
    mine = []
    while time.monotonic() < stop:
        t = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}"} if cookie else {})
            r = conn.getresponse(); r.read()
            if r.status != 200: errors[0] += 1
        except Exception:
            errors[0] += 1; conn.close(); conn = http.client.HTTPConnection(host, port, timeout=10); continue
        mine.append(time.perf_counter() - t)
    with lock: lat.extend(mine)
ts = [threading.Thread(target=worker) for _ in range(THREADS)]
[t.start() for t in ts]; [t.join() for t in ts]
lat.sort()
print(f"{path} cookie={'yes' if cookie else 'no'}: {len(lat)/SECONDS:.0f} req/s, median {statistics.median(lat)*1000:.1f} ms, "
      f"p99 {lat[int(len(lat)*0.99)]*1000:.1f} ms, non-200/errors {errors[0]}, {THREADS} threads {SECONDS} s")
