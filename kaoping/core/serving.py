"""Where `kaoping serve` can be opened: the addresses a browser uses for the address it binds.

`KAOPING_BIND` (or `--bind`) is read as gunicorn reads it (`gunicorn.util.parse_address`: host:port,
[IPv6]:port, a host alone on port 8000, unix:path), so that what is printed is what is served.
"""

import os
import socket

from gunicorn.util import parse_address

DEFAULT_BIND = "127.0.0.1:8000"
ALL_ADDRESSES = {"", "0.0.0.0", "::"}  # noqa: S104 - names compared, nothing bound here


def workers() -> int:
    """The gunicorn worker processes `kaoping serve` starts by default: KAOPING_WORKERS, else 2."""
    return int(os.environ.get("KAOPING_WORKERS", "2"))


def threads() -> int:
    """The threads of each worker `kaoping serve` starts by default: KAOPING_THREADS, else 4."""
    return int(os.environ.get("KAOPING_THREADS", "4"))


def spreads_connections(bind: str) -> bool:
    """Whether each worker listens on its own socket (SO_REUSEPORT, gunicorn's --reuse-port), so that
    the kernel deals the connections out among the workers: with one shared socket, whichever worker
    wakes first accepts, and a browser's or a proxy's kept-alive connections stay with it (measured:
    one worker of two serving nearly all of 20 connections, at half the pages a second). Only for an
    address and port: workers binding a Unix socket path of their own would each replace the last's."""
    return not isinstance(parse_address(bind), str)


def bind_address() -> str:
    """The address `kaoping serve` binds by default: KAOPING_BIND, else 127.0.0.1:8000."""
    return os.environ.get("KAOPING_BIND", "").strip() or DEFAULT_BIND


def served_urls(bind: str) -> list[str]:
    """The addresses to open for `bind`: one, or for every interface this machine's loopback and its
    name (reachable from other machines); none for a Unix socket (behind a reverse proxy)."""
    address = parse_address(bind)
    if isinstance(address, str):  # a Unix socket path
        return []
    host, port = address
    if host in ALL_ADDRESSES:
        return [f"http://127.0.0.1:{port}/", f"http://{socket.gethostname()}:{port}/"]
    if ":" in host:
        host = f"[{host}]"
    return [f"http://{host}:{port}/"]


def served_text(bind: str) -> str:
    """ "http://127.0.0.1:8000/", "http://127.0.0.1:8000/ (or http://host:8000/ from another machine)"
    or "unix:/run/kaoping.sock (through the reverse proxy)"."""
    urls = served_urls(bind)
    if not urls:
        return f"{bind} (through the reverse proxy)"
    if len(urls) == 1:
        return urls[0]
    return f"{urls[0]} (or {urls[1]} from another machine)"
