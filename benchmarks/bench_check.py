"""Benchmark: the cost of one status check (``CinxClient.check_status``) against raw httpx, over loopback.

Not a test: run it by hand (``make``-free)::

    .venv/bin/python benchmarks/bench_check.py [--rounds 200] [--warmup 30] [--update-docs]

Like for like: both sides use one reused, keep-alive connection to the same sandbox server and the same URL
with the same Basic auth. "raw" is ``httpx.Client.get(url).json()``; "ours" is the full check: URL building
with percent-encoding, the capped streaming read, JSON decoding, the tolerant envelope/row models and the
outcome classification. The two are interleaved in rounds (alternating which goes first) so drift of the
machine or the server cancels out, after a warm-up. The figure is the ratio of the medians of 200 calls each
(target <= 1.5).

Writes benchmarks/out/bench_check.json; with ``--update-docs`` also rewrites the section
"One status check vs raw httpx" of docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DOC, OUT_DIR, ROOT, summary, update_section, write_json  # noqa: E402
from _common import machine as full_machine  # noqa: E402

sys.path.insert(0, str(ROOT))

from pig_desktop.core.client import CinxClient, Connection  # noqa: E402
from pig_desktop.core.outcome import Outcome  # noqa: E402
from pig_desktop.demo import ACTIVE_TOKEN, DEMO_EMAIL, DEMO_PASSWORD, PROCESSED_JOB, SandboxServer  # noqa: E402

OUT = OUT_DIR / "bench_check.json"
TITLE = "One status check vs raw httpx"
SECTION = f"## {TITLE}"
TARGET_RATIO = 1.5
# The machine keys this benchmark has always reported (the shared description has more).
MACHINE_KEYS = ("nproc", "cpu", "python", "httpx", "platform")


def machine() -> dict[str, Any]:
    described = full_machine()
    return {key: described[key] for key in MACHINE_KEYS}


def run(rounds: int, warmup: int) -> dict[str, Any]:
    with SandboxServer() as server:
        ours = CinxClient(Connection(server.url, DEMO_EMAIL, DEMO_PASSWORD, ACTIVE_TOKEN))
        url = ours.status_url(PROCESSED_JOB)
        raw = httpx.Client(auth=(DEMO_EMAIL, DEMO_PASSWORD))

        def check_ours() -> None:
            report = ours.check_status(PROCESSED_JOB)
            if report.outcome is not Outcome.PROCESSED:
                raise SystemExit(f"unexpected outcome {report.outcome}: {report.detail}")

        def check_raw() -> None:
            body = raw.get(url).json()
            if body["rows"][0]["status_message"] != "Processed":
                raise SystemExit("unexpected raw answer")

        body_bytes = len(raw.get(url).content)
        for _ in range(warmup):
            check_ours()
            check_raw()
        connections_before = server.connections_accepted

        ours_ns: list[int] = []
        raw_ns: list[int] = []
        gc.collect()
        for i in range(rounds):
            order = ((check_ours, ours_ns), (check_raw, raw_ns))
            if i % 2:
                order = order[::-1]
            for fn, bucket in order:
                start = time.perf_counter_ns()
                fn()
                bucket.append(time.perf_counter_ns() - start)
        new_connections = server.connections_accepted - connections_before
        ours.close()
        raw.close()

    ours_stats, raw_stats = summary(ours_ns), summary(raw_ns)
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "rounds": rounds,
        "warmup": warmup,
        "method": (
            "SandboxServer on 127.0.0.1 serving PROCESSED_JOB; one reused "
            "CinxClient.check_status(PROCESSED_JOB) vs one reused httpx.Client(auth=...).get(url).json() on "
            "the same URL; interleaved rounds alternating which goes first, after warm-up; "
            "time.perf_counter_ns per call; medians"
        ),
        "ours": ours_stats,
        "raw_httpx": raw_stats,
        "ratio_median": ours_stats["median_ms"] / raw_stats["median_ms"],
        "target_ratio": TARGET_RATIO,
        "new_connections_during_run": new_connections,
        "body_bytes": body_bytes,
        "machine": machine(),
    }


def doc_section(result: dict[str, Any]) -> str:
    m = result["machine"]
    ours, raw = result["ours"], result["raw_httpx"]
    verdict = "within" if result["ratio_median"] <= TARGET_RATIO else "OVER"
    rounds, warmup = result["rounds"], result["warmup"]

    def row(name: str, stats: dict[str, float]) -> str:
        return (
            f"| {name} | {stats['median_ms']:.3f} ms | {stats['p10_ms']:.3f} ms | {stats['p90_ms']:.3f} ms |"
        )

    lines = [
        SECTION,
        "",
        "Issue 2, part 8: the cost of one status check over loopback against a raw `httpx` call of the",
        "same URL.",
        "",
        "| | median | p10 | p90 |",
        "|---|---|---|---|",
        row("`CinxClient.check_status(PROCESSED_JOB)`", ours),
        row("raw `httpx.Client.get(url).json()`", raw),
        "",
        f"**Ratio of the medians: {result['ratio_median']:.2f}x** "
        f"(target at most {TARGET_RATIO}x: {verdict} the target).",
        "",
        f"How it was measured (`benchmarks/bench_check.py`, run {result['measured_at']}):",
        "",
        f'- A `SandboxServer` on 127.0.0.1 answers the documented "processed" job '
        f"({result['body_bytes']} bytes of JSON).",
        "- Like for like: both sides reuse one keep-alive connection, the same URL and the same Basic auth",
        f"  (new connections opened during the timed part: {result['new_connections_during_run']}). "
        '"Ours" is the whole check:',
        "  URL building with percent-encoding, the capped streaming read, JSON decoding, the tolerant models",
        "  and the outcome classification.",
        f"- {warmup} warm-up calls each, then {rounds} rounds; each round times one call of each with",
        "  `time.perf_counter_ns`, alternating which goes first so drift cancels out. Medians of",
        f"  {rounds} calls each.",
        "- The sandbox's sockets send without Nagle's delay: TCP_NODELAY (the sandbox sets it). Otherwise",
        "  http.server's separate header and body writes wait about 40 ms for the client's delayed ACK,",
        "  on both sides alike, and that stall, not the client, would be measured.",
        f"- Machine: {m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, httpx {m['httpx']},",
        f"  {m['platform']}.",
        "  The sandbox server runs in the same process (its thread competes for the GIL on both sides).",
        "- Raw numbers: `benchmarks/out/bench_check.json`.",
        "  Re-run: `python benchmarks/bench_check.py --update-docs`.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument(
        "--update-docs", action="store_true", help="rewrite the section in docs/performance.md"
    )
    args = parser.parse_args(argv)

    result = run(args.rounds, args.warmup)
    write_json(OUT, result)
    print(
        f"ours {result['ours']['median_ms']:.3f} ms, raw httpx {result['raw_httpx']['median_ms']:.3f} ms "
        f"(medians of {args.rounds}); ratio {result['ratio_median']:.2f}x (target <= {TARGET_RATIO}x)"
    )
    print(f"wrote {OUT.relative_to(ROOT)}")
    if args.update_docs:
        update_section(TITLE, doc_section(result))
        print(f"updated {DOC.relative_to(ROOT)}")
    return 0 if result["ratio_median"] <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
