"""The simulated town of `kaoping loadtest`: locust user classes that use only the HTTP pages and forms.

Never imported by the application: locust loads it by path, in a process of its own. It reads the plan
that `kaoping loadtest` wrote (JSON, `LOADTEST_PLAN`: sessions, addresses, cells and voting codes) and
appends what the server accepted to `LOADTEST_RECORDS` (JSON lines), which the command compares with
the database after the run ("no lost write"):

- `Cadre`: a cadre logged in, browsing their town's home page, their own breakdown, the ranking of
  their population and the bulletins, with a few seconds' thought between pages;
- `Scorer`: loads the open month's score grid, changes a few cells, saves them with the version each
  cell was loaded with; a save refused because another scorer changed a cell meanwhile is an expected
  answer, counted under its own name;
- `Office`: once, after a delay, the assessment office opens the closed month, its confirmation page,
  and publishes it (ticked confirmation), as a browser would;
- `Voter`: phones voting in the open democratic-evaluation round, each code once: the ballot page,
  the code, then the filled ballot.
"""

import http.client
import itertools
import json
import os
import random
import threading
import time
from typing import Any

import gevent
from locust import HttpUser, between, task
from urllib3.exceptions import ProtocolError
from urllib3.util.retry import Retry

from kaoping.site import loadtest_pages as pages

with open(os.environ["LOADTEST_PLAN"]) as _f:
    PLAN: dict[str, Any] = json.load(_f)

_records = open(os.environ["LOADTEST_RECORDS"], "a")  # noqa: SIM115 - open for the whole run
_lock = threading.Lock()

_cadres = itertools.cycle(PLAN["cadres"])
_scorers = itertools.cycle(PLAN["scorers"])
_codes = iter(PLAN["codes"])
_ids = itertools.count(1)


def record(kind: str, **data: Any) -> None:
    with _lock:
        _records.write(json.dumps({"kind": kind, "at": time.time(), **data}) + "\n")
        _records.flush()


def _why(response: Any) -> str:
    return f"status {response.status_code}" + (f" {response.error!r}"[:160] if response.error else "")


class BrowserRetry(Retry):
    """A request sent again once, only when the server had closed the kept-alive connection it went out
    on (gunicorn closes idle ones after 2 s) before answering anything: what browsers do. Any other
    failure stays a failure."""

    def increment(self, *args: Any, **kwargs: Any) -> Retry:
        error = kwargs.get("error")
        cause = error.args[1] if isinstance(error, ProtocolError) and len(error.args) > 1 else None
        if not isinstance(cause, ConnectionResetError | BrokenPipeError | http.client.RemoteDisconnected):
            raise error if error is not None else RuntimeError("unexpected retry")
        return super().increment(*args, **kwargs)


class Browser(HttpUser):
    abstract = True

    def on_start(self) -> None:
        self.client.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
        self.client.adapters["http://"].max_retries = BrowserRetry(
            total=1, status=0, allowed_methods=None, respect_retry_after_header=False
        )


class LoggedIn(Browser):
    abstract = True

    def login(self, session: str) -> None:
        Browser.on_start(self)
        self.client.cookies.set(PLAN["session_cookie"], session)

    def page(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(_why(response))
            return response.text or ""


class Cadre(LoggedIn):
    weight = 1  # every user not given a fixed count below
    wait_time = between(*PLAN["cadre_think"])

    def on_start(self) -> None:
        self.me = next(_cadres)
        self.login(self.me["session"])

    @task(3)
    def home(self) -> None:
        self.page(PLAN["town_home"], "cadre: town home")

    @task(3)
    def breakdown(self) -> None:
        self.page(self.me["breakdown"], "cadre: own breakdown")

    @task(2)
    def ranking(self) -> None:
        self.page(self.me["ranking"], "cadre: ranking")

    @task(1)
    def bulletins(self) -> None:
        self.page(PLAN["bulletins"], "cadre: bulletins")


class Scorer(LoggedIn):
    fixed_count = PLAN["scorer_users"]
    wait_time = between(*PLAN["scorer_think"])

    def on_start(self) -> None:
        self.me = next(_scorers)
        self.login(self.me["session"])
        self.rng = random.Random(self.me["session"])  # noqa: S311 - a simulation, not a secret

    @task
    def save_some_cells(self) -> None:
        sheet = self.rng.choice(self.me["sheets"])
        text = self.page(sheet["grid"], "scorer: grid")
        cells = pages.grid_cells(text)
        revision = pages.grid_revision(text)
        if not cells or not revision:
            return
        gevent.sleep(self.rng.uniform(*PLAN["scorer_typing"]))  # typing
        form = {"csrfmiddlewaretoken": pages.token(text), "revision": revision}
        sent = []
        for cadre, indicator, maximum in self.rng.sample(sheet["cells"], k=self.rng.randint(1, 4)):
            key = (str(cadre), str(indicator))
            if key not in cells:
                continue
            value = f"{self.rng.randint(0, int(maximum * 4)) / 4:g}"
            form[f"v-{cadre}-{indicator}"] = value
            form[f"r-{cadre}-{indicator}"] = str(cells[key])
            sent.append({"cadre": cadre, "indicator": indicator, "value": value, "base": cells[key]})
        if not sent:
            return
        save = next(_ids)
        # Written before the request: a save the run's end cuts off may still be written by the server.
        record("save-sent", id=save, sheet=sheet["id"], cells=sent)
        with self.client.post(
            sheet["save"], data=form, name="scorer: save", catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code == 302:
                record("save", id=save, sheet=sheet["id"], cells=sent)
            elif pages.save_refused_as_conflict(response.status_code, response.text):
                # Refused as it must be: another scorer changed one of the cells after this grid loaded.
                response.request_meta["name"] = "scorer: save refused (conflict)"
                record("conflict", id=save, sheet=sheet["id"], cells=sent)
            else:
                response.failure(_why(response))
                record("save-failed", id=save, sheet=sheet["id"], status=response.status_code)


class Office(LoggedIn):
    fixed_count = 1
    wait_time = between(5, 10)

    def on_start(self) -> None:
        self.login(PLAN["office"]["session"])
        self.done = False

    @task
    def publish_once(self) -> None:
        if self.done:
            self.page(PLAN["office"]["month"], "office: month page")
            return
        gevent.sleep(PLAN["office"]["delay"])
        self.done = True
        self.page(PLAN["office"]["month"], "office: month page")
        text = self.page(PLAN["office"]["confirm"], "office: confirm page")
        record("publish-sent")
        with self.client.post(
            PLAN["office"]["move"],
            data={"csrfmiddlewaretoken": pages.token(text), "to": "published", "confirmed": "1"},
            name="office: publish",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302:
                response.failure(_why(response))
        record("publish", status=response.status_code)
        self.page(PLAN["office"]["month"], "office: month page")


class Voter(Browser):
    fixed_count = PLAN["voter_users"]
    wait_time = between(*PLAN["voter_pause"])

    def on_start(self) -> None:
        super().on_start()
        self.rng = random.Random()  # noqa: S311 - a simulation, not a secret

    @task
    def vote(self) -> None:
        code = next(_codes, None)
        if code is None:
            return  # the whole town has voted
        self.client.cookies.clear()  # a phone that never saw the site
        with self.client.get("/ballot/", name="voter: ballot page", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(_why(response))
                return
            token = pages.token(response.text)
        with self.client.post(
            "/ballot/",
            data={"csrfmiddlewaretoken": token, "code": code},
            name="voter: open ballot",
            catch_response=True,
        ) as response:
            if not pages.ballot_opened(response.status_code, response.text):
                response.failure(_why(response))
                return
            text = response.text
        targets = pages.ballot_targets(text)
        gevent.sleep(self.rng.uniform(*PLAN["voter_filling"]))  # choosing the grades
        form = [("csrfmiddlewaretoken", pages.token(text)), ("code", code)]
        form += [(f"r-{t}", self.rng.choice(PLAN["grades"])) for t in targets]
        form.append(("action", "submit"))
        record("ballot-sent", code_index=PLAN["codes"].index(code))
        with self.client.post(
            "/ballot/", data=form, name="voter: submit ballot", catch_response=True
        ) as response:
            if pages.ballot_accepted(response.status_code, response.text):
                record("ballot", code_index=PLAN["codes"].index(code))
            else:
                response.failure(_why(response))
