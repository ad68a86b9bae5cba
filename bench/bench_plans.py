"""Benchmarks for improvement plans.

- summary of an inspection with 10,000 findings (target < 200 ms)
- the portfolio plan page with 1,000 findings, served over HTTP (target p95 < 300 ms)

Prints one JSON line per figure. Uses a fresh temporary SQLite database unless DATABASE_URL is set
(on PostgreSQL the database is flushed first: point it at a throwaway one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import threading
import time
import urllib.request
from collections.abc import Callable
from http.cookiejar import CookieJar
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from _setup import analyze, emit, percentile, setup_django


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def build(findings: int, plan_findings: int, updates: int) -> tuple[int, int]:
    from beacon.inspections.models import Allocation, Finding, Inspection, Portfolio, ProgressUpdate

    statuses = ["red", "amber", "green", "complete", "na", ""]
    portfolios = [
        Portfolio.objects.create(name=f"Portfolio {i}", holder=f"Holder {i}", plan_owner=f"Owner {i}")
        for i in range(8)
    ]
    big = Inspection.objects.create(title="Bench inspection 10k", published=dt.date(2024, 1, 1))
    kinds = ["recommendation", "area_for_improvement", "area_for_improvement", "cause_of_concern"]

    def make(inspection: Inspection, n: int, portfolio_for: Callable[[int], Portfolio]) -> None:
        fs = Finding.objects.bulk_create(
            [
                Finding(
                    inspection=inspection,
                    ref=f"AFI.{i + 1}",
                    kind=kinds[i % 4],
                    text=f"Finding {i} " * 8,
                    position=i,
                )
                for i in range(n)
            ],
            batch_size=2000,
        )
        allocs = Allocation.objects.bulk_create(
            [
                Allocation(
                    finding=f,
                    portfolio=portfolio_for(i),
                    action_owner=f"Owner {i % 50}",
                    due_date=dt.date(2024, 1, 1) + dt.timedelta(days=i % 400),
                )
                for i, f in enumerate(fs)
            ],
            batch_size=2000,
        )
        ups = []
        for i, a in enumerate(allocs):
            for u in range(updates):
                d = dt.date(2024, 1, 1) + dt.timedelta(days=30 * u + i % 20)
                s = statuses[(i + u) % len(statuses)]
                t = f"Progress note {u} for item {i}: actions taken and next steps."
                ups.append(
                    ProgressUpdate(
                        allocation=a,
                        date=d,
                        status=s,
                        text=t,
                        content_hash=ProgressUpdate.hash_content(d, s, t),
                    )
                )
        ProgressUpdate.objects.bulk_create(ups, batch_size=5000)

    make(big, findings, lambda i: portfolios[i % 8])
    plan = Inspection.objects.create(title="Bench plan 1k", published=dt.date(2024, 1, 1))
    make(plan, plan_findings, lambda i: portfolios[0])
    return big.pk, plan.pk


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--findings", type=int, default=10_000)
    ap.add_argument("--plan-findings", type=int, default=1_000)
    ap.add_argument("--updates", type=int, default=5)
    ap.add_argument("--requests", type=int, default=60)
    args = ap.parse_args()
    vendor = setup_django()
    from django.core.wsgi import get_wsgi_application

    from beacon.core.models import User
    from beacon.inspections.models import Inspection, Portfolio
    from beacon.inspections.selectors import inspection_summary

    big_id, plan_id = build(args.findings, args.plan_findings, args.updates)
    analyze()
    big = Inspection.objects.get(pk=big_id)
    as_of = dt.date(2024, 12, 31)
    inspection_summary(big, as_of)  # warm caches
    times = []
    for _ in range(10):
        t = time.perf_counter()
        inspection_summary(big, as_of)
        times.append((time.perf_counter() - t) * 1000)
    ok_summary = statistics.median(times) < 200
    emit(
        bench="plans_summary",
        findings=args.findings,
        database=vendor,
        median_ms=round(statistics.median(times), 1),
        max_ms=round(max(times), 1),
        target_ms=200,
        met=ok_summary,
    )

    User.objects.create_user("bench", password="bench-password-123", role="performance")
    app = get_wsgi_application()
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    page = opener.open(f"{base}/login/").read().decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    data = urllib.parse.urlencode(
        {"username": "bench", "password": "bench-password-123", "csrfmiddlewaretoken": token}
    ).encode()
    login = urllib.request.Request(
        f"http://127.0.0.1:{port}/login/", data=data, headers={"Referer": f"{base}/login/"}
    )
    opener.open(login)
    portfolio = Portfolio.objects.get(name="Portfolio 0")
    url = f"{base}/plans/portfolios/{portfolio.pk}/?inspection={plan_id}&as_of={as_of.isoformat()}"
    body = opener.open(url).read()
    assert b"AFI.1000" in body and b"Sign in" not in body[:2000], "plan page did not render"
    lat = []
    for _ in range(args.requests):
        t = time.perf_counter()
        opener.open(url).read()
        lat.append((time.perf_counter() - t) * 1000)
    server.shutdown()
    p95 = percentile(lat, 95)
    emit(
        bench="portfolio_plan_page",
        findings=args.plan_findings,
        database=vendor,
        requests=args.requests,
        p50_ms=round(percentile(lat, 50), 1),
        p95_ms=round(p95, 1),
        target_p95_ms=300,
        met=p95 < 300,
        bytes=len(body),
    )
    raise SystemExit(0 if ok_summary and p95 < 300 else 1)


if __name__ == "__main__":
    import urllib.parse

    main()
