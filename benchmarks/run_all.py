"""Run every benchmark, each figure next to its floor in the same run; write benchmarks/results.json and the
summary table at the top of docs/performance.md.

    QT_QPA_PLATFORM=offscreen python benchmarks/run_all.py [--label LABEL] [--watch-seconds 20]

(``make bench`` runs this.) Not a test: nothing here is a pass/fail gate in the test suite. It exits 0 once
everything is measured (the table says which targets are met); with ``--strict`` it exits 1 when a target is
missed, for a release checklist.

``results.json`` keeps one run per label: ``before`` (recorded once, before the performance work of issue 7),
``after``, ``round2`` and ``round4`` (after those rounds of that work; round 3 was measured by hand, see
docs/performance.md; ``round4`` is the current code and the default label). The table shows them all next
to the floor and the target; the verdict is the latest run's. Each benchmark's own JSON (all samples) is in
benchmarks/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_big_result  # noqa: E402
import bench_hidden  # noqa: E402
import bench_history  # noqa: E402
import bench_instructions  # noqa: E402
import bench_memory  # noqa: E402
import bench_startup  # noqa: E402
import bench_ui_check  # noqa: E402
from _common import (  # noqa: E402
    DOC,
    OUT_DIR,
    PYTHON,
    TREE_ENV,
    app_tree,
    child_env,
    describe_machine,
    machine,
    write_json,
)

RESULTS = HERE / "results.json"
SUMMARY_TITLE = "Summary"
# (label in results.json, column title), oldest first; the last one is the current code.
LABELS = (("before", "Before"), ("after", "After"), ("round2", "After round 2"), ("round4", "After round 4"))
CURRENT = LABELS[-1][0]


def figure(
    key: str,
    label: str,
    unit: str,
    value: float,
    floor: float | None,
    target: float,
    target_text: str,
    ok: bool,
) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "unit": unit,
        "value": round(value, 3),
        "floor": None if floor is None else round(floor, 3),
        "target": round(target, 3),
        "target_text": target_text,
        "ok": ok,
    }


def bench_dir() -> Path:
    """Where bench_watch.py and bench_check.py run from: the measured tree's copy when it has them (they
    import pig_desktop from their own checkout), else this one."""
    other = app_tree() / "benchmarks"
    return other if (other / "bench_watch.py").exists() else HERE


def docs_flag(update_docs: bool) -> list[str]:
    """``--update-docs`` for bench_watch.py / bench_check.py when their section of this checkout's
    docs/performance.md should show this run: the "after" run of this checkout (a ``--tree`` copy's scripts
    would write into that copy's docs instead)."""
    return ["--update-docs"] if update_docs and bench_dir() == HERE else []


def run_watch(seconds: float, update_docs: bool = False) -> dict[str, Any]:
    """bench_watch.py in its own process (it needs its own QApplication), a shorter run than its default;
    it rewrites its own section ("500 watched jobs") of docs/performance.md when ``update_docs``."""
    subprocess.run(
        [PYTHON, str(bench_dir() / "bench_watch.py"), "--seconds", str(seconds), "--idle-seconds", "5"]
        + docs_flag(update_docs),
        check=True,
        env=child_env(),
        stdout=subprocess.DEVNULL,
        timeout=seconds + 180,
    )
    out = bench_dir() / "out" / "bench_watch.json"
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def run_core_check(update_docs: bool = False) -> dict[str, Any]:
    """bench_check.py (issue 2: one CinxClient check vs raw httpx, no GUI) in its own process; it rewrites its
    own section ("One status check vs raw httpx") of docs/performance.md when ``update_docs``."""
    subprocess.run(
        [PYTHON, str(bench_dir() / "bench_check.py"), *docs_flag(update_docs)],
        check=False,  # exit 1 only means "over target": the figure says so
        env=child_env(),
        stdout=subprocess.DEVNULL,
        timeout=300,
    )
    result: dict[str, Any] = json.loads(
        (bench_dir() / "out" / "bench_check.json").read_text(encoding="utf-8")
    )
    return result


def instructions_figures(counted: dict[str, Any]) -> list[dict[str, Any]]:
    """The start-up's instruction counts (normal and --demo, offscreen and Xvfb) when valgrind counted."""
    if "skipped" in counted:
        print(f"[instructions] {counted['skipped']}", flush=True)
        return []
    target = counted["target_ratio"]
    rows = []
    for where, result in (("offscreen", counted), ("Xvfb", counted.get("xvfb"))):
        if result is None:
            continue
        floor = result["floor_instructions"] / 1e6
        for start, key in (("", "app"), (" --demo", "demo")):
            value = result[f"{key}_instructions"] / 1e6
            rows.append(
                figure(
                    f"startup_instructions_{key}_{where.lower()}",
                    f"Start-up{start}: instructions to first paint ({where}, valgrind)",
                    "M",
                    value,
                    floor,
                    floor * target,
                    f"<= {target}x floor",
                    value <= floor * target,
                )
            )
    return rows


def run_all(watch_seconds: float, quick: bool, update_docs: bool = False) -> dict[str, Any]:
    rounds = 3 if quick else None
    raw: dict[str, Any] = {}
    steps = [
        ("startup", lambda: bench_startup.run(rounds or 7)),
        ("instructions", lambda: bench_instructions.run(1)),
        ("memory", lambda: bench_memory.run(rounds or 5)),
        ("hidden", lambda: bench_hidden.run(rounds or 3)),
        ("ui_check", lambda: bench_ui_check.run(rounds or 21)),
        ("big_result", lambda: bench_big_result.run(rounds or 5)),
        ("history", lambda: bench_history.run(rounds or 5)),
        ("watch", lambda: run_watch(watch_seconds, update_docs)),
        ("core_check", lambda: run_core_check(update_docs)),
    ]
    for name, step in steps:
        started = time.monotonic()
        print(f"[{name}] ...", flush=True)
        raw[name] = step()
        write_json(OUT_DIR / f"bench_{name}.json", raw[name])
        print(f"[{name}] done in {time.monotonic() - started:.0f} s", flush=True)

    s, m, c, b, h, w, k = (raw[n] for n in ("startup", "memory", "ui_check", "big_result", "history", "watch",
                                            "core_check"))  # fmt: skip
    hid = raw["hidden"]
    figures = [  # noqa: E501 - a table, one figure per entry
        figure("startup_first_paint", "Start-up: process start to first paint", "ms", s["app_ms"],
               s["floor_ms"], s["floor_ms"] * s["target_ratio"], f"<= {s['target_ratio']}x floor",
               s["ratio"] <= s["target_ratio"]),
        *instructions_figures(raw["instructions"]),
        figure("memory_peak_rss", "Memory: peak RSS after one check", "MB", m["app_mb"], m["floor_mb"],
               m["floor_mb"] * m["target_ratio"], f"<= {m['target_ratio']}x floor", m["ratio"] <= m["target_ratio"]),  # noqa: E501
        figure("hidden_start_rss", "Memory: hidden start, 20 watches, vs a bare tray icon (X11)", "MB",
               hid["app_mb"], hid["floor_mb"], hid["floor_mb"] * hid["target_ratio"],
               f"<= {hid['target_ratio']}x floor", hid["ratio"] <= hid["target_ratio"]),
        figure("one_check", "One check: click to tree filled", "ms", c["ours"]["median_ms"],
               c["raw_httpx_get"]["median_ms"], c["raw_httpx_get"]["median_ms"] + c["target_extra_ms"],
               f"<= floor + {c['target_extra_ms']:g} ms", c["extra_ms"] <= c["target_extra_ms"]),
        figure("big_result_fill", "1,000 rows x 50 args: click to tree filled", "ms", b["fill_ms"], b["raw_ms"],  # noqa: E501
               b["target_fill_ms"], f"<= {b['target_fill_ms']:g} ms", b["fill_ms"] <= b["target_fill_ms"]),
        figure("big_result_stall", "1,000 rows x 50 args: longest GUI stall (fill + browse all)", "ms",
               b["stall_max_ms"], None, b["target_stall_ms"], f"<= {b['target_stall_ms']:g} ms",
               b["stall_max_ms"] <= b["target_stall_ms"]),
        figure("history_ready", "History 10,000: first paint to list ready", "ms", h["ready_ms"],
               h["floor_ready_ms"], h["target_ready_ms"], f"<= {h['target_ready_ms']:g} ms",
               h["ready_ms"] <= h["target_ready_ms"]),
        figure("history_keystroke", "History 10,000: slowest filter keystroke", "ms", h["key_slowest_ms"],
               h["floor_key_median_ms"], h["target_key_ms"], f"<= {h['target_key_ms']:g} ms",
               h["key_slowest_ms"] <= h["target_key_ms"]),
        figure("watch_stall", "500 watched jobs: longest GUI stall", "ms", w["stall_max_ms"], None, 50.0,
               "<= 50 ms", w["stall_max_ms"] <= 50),
        figure("watch_rate", "500 watched jobs: most requests in any 1 s", "req", w["requests_max_in_any_1s"],
               None, w["rate_cap_per_s"], f"<= {w['rate_cap_per_s']:g} (the cap)",
               w["requests_max_in_any_1s"] <= w["rate_cap_per_s"]),
        figure("watch_idle_cpu", "500 watched jobs: CPU while paused (per s)", "ms/s",
               1000 * w["idle_cpu_s"] / max(w["idle_seconds"], 0.001), None, 1.0, "~0 (<= 1 ms/s)",
               1000 * w["idle_cpu_s"] / max(w["idle_seconds"], 0.001) <= 1.0),
        figure("watch_cpu_per_check", "500 watched jobs: CPU per check (incl. GUI refresh)", "ms",
               w["cpu_per_check_ms"], None, 50.0, "<= 50 ms (no target in the issue)", w["cpu_per_check_ms"] <= 50),  # noqa: E501
        figure("core_check_ratio", "Core: CinxClient.check_status vs raw httpx (issue 2)", "x",
               k["ratio_median"], 1.0, k["target_ratio"], f"<= {k['target_ratio']}x raw", k["ratio_median"]
               <= k["target_ratio"]),
    ]  # fmt: skip
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "quick": quick,
        "machine": machine(),
        "late_modules_at_first_paint": s["late_modules_at_first_paint"],
        "tree": str(app_tree()),
        "figures": figures,
        "raw": raw,
    }


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "req":
        return f"{value:g}"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:.1f} {unit}" if value >= 10 else f"{value:.2f} {unit}"


def latest(runs: dict[str, Any]) -> dict[str, Any] | None:
    return next((runs[label] for label, _ in reversed(LABELS) if label in runs), None)


def table(results: dict[str, Any]) -> str:
    runs = results.get("runs", {})
    main_run = latest(runs)
    if main_run is None:
        return f"## {SUMMARY_TITLE}\n\nNo run recorded yet: `python benchmarks/run_all.py`.\n"
    columns = [(title, runs[label]) for label, title in LABELS if label in runs]
    by_key = [{f["key"]: f for f in run.get("figures", [])} for _, run in columns]
    lines = [
        f"## {SUMMARY_TITLE}",
        "",
        "Every figure of issue 7 from `python benchmarks/run_all.py` (`make bench`), each measured next to",
        "its floor in the same run: a bare PySide6 program, plain sqlite3, a raw `httpx.get(...).json()` or",
        "plain Python, whichever the figure is about. Medians of at least 5 repeats unless stated below.",
        '"Before" is the code before the performance work of issue 7, then the code after each of its',
        "rounds; the last column is the code now. The verdict and the floors are the latest run's.",
        "All samples: `benchmarks/results.json` (and `benchmarks/out/`).",
        "",
        "| Figure | Floor (same run) | "
        + " | ".join(title for title, _ in columns)
        + " | Target | Verdict |",
        "|---|---|" + "---|" * len(columns) + "---|---|",
    ]

    def value(by_key: dict[str, Any], key: str, unit: str) -> str:
        found = by_key.get(key)
        return fmt(found["value"], unit) if found else "—"

    for f in main_run["figures"]:
        key, unit = f["key"], f["unit"]
        values = " | ".join(value(figures, key, unit) for figures in by_key)
        lines.append(
            f"| {f['label']} | {fmt(f['floor'], unit)} | {values} | {f['target_text']} | "
            f"{'met' if f['ok'] else '**MISSED**'} |"
        )
    lines += [""]
    for label, run in columns:
        late = ", ".join(run.get("late_modules_at_first_paint", [])) or "none"
        lines.append(
            f"- {label}: run {run['measured_at']}{' (quick: 3 rounds)' if run.get('quick') else ''}; "
            f"imported before the first paint among keyring, truststore, httpx, sqlite3: {late}."
        )
    lines += [f"- Machine: {describe_machine(main_run['machine'])}."]
    return "\n".join(lines) + "\n"


def write_doc(results: dict[str, Any]) -> None:
    """Put the summary table right after the title and the intro paragraph of docs/performance.md."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    section = table(results)
    marker = f"## {SUMMARY_TITLE}\n"
    if marker in text:
        from _common import update_section

        update_section(SUMMARY_TITLE, section)
        return
    first = text.find("\n## ")
    if first == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        text = text[: first + 1] + section + "\n" + text[first + 1 :]
    DOC.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", choices=[label for label, _ in LABELS], default=CURRENT)
    parser.add_argument("--watch-seconds", type=float, default=20.0)
    parser.add_argument(
        "--quick", action="store_true", help="3 rounds each (a smoke run, not for the record)"
    )
    parser.add_argument(
        "--tree",
        type=Path,
        help="measure the pig_desktop of another checkout (e.g. an exported older commit for 'before')",
    )
    parser.add_argument("--doc-only", action="store_true", help="rewrite the table from results.json only")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target was missed")
    args = parser.parse_args(argv)

    results: dict[str, Any] = (
        json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {"runs": {}}
    )
    if args.tree is not None:
        os.environ[TREE_ENV] = str(args.tree.resolve())
    if not args.doc_only:
        # The sections of bench_watch.py and bench_check.py follow the "after" run (never a quick one).
        run = run_all(args.watch_seconds, args.quick, update_docs=args.label == CURRENT and not args.quick)
        results.setdefault("runs", {})[args.label] = run
        write_json(RESULTS, results)
        print(f"wrote {RESULTS.relative_to(HERE.parent)}")
    write_doc(results)
    print(f"updated {DOC.relative_to(HERE.parent)}")
    print(table(results))
    runs = results["runs"]
    current = latest(runs)
    missed = [f["label"] for f in (current or {}).get("figures", []) if not f["ok"]]
    print("targets missed: " + "; ".join(missed) if missed else "every target met")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
