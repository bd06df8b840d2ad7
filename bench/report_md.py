"""The targets checked against the results, and the Markdown table of
``bench/results/latest.md``."""

from __future__ import annotations

from typing import Any

from bench.load import KINDS

# What residents feel at a peak (issue 15): the slowest page type's p95 at
# 50 page requests per second, and a first visit's bytes on a phone.
P95_MS = 300.0
PAGE_KB = 100.0
RENDER_MS = 15.0
REPORT_100K_S = 1.5
REPORT_RATIO = 1.5
REPORT_1M_S = 15.0
DEMO_PAGE_S = 1.0
DEMO_PDF_S = 5.0
PDF_100K_S = 10.0
RSS_MB = 500.0


def _get(data: Any, *path: Any) -> Any:
    for step in path:
        if data is None:
            return None
        if isinstance(step, int):
            data = data[step] if isinstance(data, list) and len(data) > step else None
        else:
            data = data.get(step) if isinstance(data, dict) else None
    return data


def _size(rows: list[dict[str, Any]] | None, size: int) -> dict[str, Any] | None:
    for row in rows or []:
        if row.get("size") == size:
            return row
    return None


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else "PASS" if ok else "FAIL"


def _server_cpu_text(run: dict[str, Any]) -> str:
    """The server's CPU per request at the peak and the machine's load."""
    text = ""
    cpu = run.get("server_cpu_ms_per_request")
    if cpu is not None:
        share = cpu * run["rate_asked"] / 1000
        text += (
            f"; the server (gunicorn's workers and the database) used {cpu} ms CPU per "
            f"request: the peak takes {share:.2f} of one core"
        )
    load = run.get("load_average")
    if load:
        text += f"; the machine's load average {load[0]} -> {load[1]} during the run"
    return text


def _resident_sections(resident: dict[str, Any]) -> list[str]:
    """Section 1 of the table: latency per page type at the peak, the
    margin at twice the peak, statements and CPU per page type, page
    weight, and every page's render."""
    peak = resident.get("peak") or {}
    headroom = resident.get("headroom") or {}
    lines = [
        "",
        f"## 1. Residents at a peak (gunicorn as deployed, {resident['workers']} sync workers)",
        "",
    ]
    rerun = resident.get("rerun")
    if rerun:
        lines += [
            f"Run alone with `--only resident --merge` at {rerun['generated']} (load average "
            f"at start {rerun['load_average_at_start']}) and merged into the results above.",
            "",
        ]
    lines += [
        f"Open loop: {peak.get('rate'):.0f} resident page requests per second for "
        f"{peak.get('seconds'):.0f} s (Poisson arrivals, whole journeys"
        + (
            f", residents thinking {peak['think_s'][0]}-{peak['think_s'][1]} s between pages"
            if peak.get("think_s")
            else ""
        )
        + ") after "
        f"{peak.get('warmup_s', 0):.0f} s of the same load to warm up, latency counted "
        "from the moment each request was due"
        + (
            f"; then {headroom['rate']:.0f}/s for {headroom['seconds']:.0f} s, to show the margin."
            if headroom.get("seconds")
            else "."
        ),
        "",
        "| database | page type | requests | errors | p50 ms | p95 ms | p99 ms | max ms | "
        "at 2x: p95 ms | at 2x: p99 ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    summaries: list[str] = []
    for db, data in resident.get("databases", {}).items():
        if "skipped" in data:
            lines.append(f"| {db} | skipped: {data['skipped']} | | | | | | | | |")
            continue
        run = data["peak"]
        double = (data.get("headroom") or {}).get("pages", {})
        for kind, page in run["pages"].items():
            more = double.get(kind) or {}
            lines.append(
                f"| {db} | {kind} | {page['requests']} | {page['errors']} | {page['p50_ms']} | "
                f"{page['p95_ms']} | {page['p99_ms']} | {page['max_ms']} | "
                f"{more.get('p95_ms', '-')} | {more.get('p99_ms', '-')} |"
            )
        stored = data.get("stored") or {}
        summaries.append(
            f"{db}: {run['requests']} requests sent ({run['rate_sent']}/s), "
            f"{run['journeys_started']} residents arrived, {run['journeys_completed']} sent "
            f"their answers, {run['errors']} errors"
            + (
                f"; at 2x {data['headroom']['requests']} requests, "
                f"{data['headroom']['errors']} errors"
                if data.get("headroom")
                else ""
            )
            + f"; responses stored {stored.get('responses')} of {stored.get('submitted')} "
            f"sent (warm-up included); the load's own lag (p99) {run['send_lag_p99_ms']} ms"
            + _server_cpu_text(run)
            + "."
        )
    lines += ["", *summaries]
    typed = {
        db: data["per_page_type"]
        for db, data in resident.get("databases", {}).items()
        if "per_page_type" in data
    }
    if typed:
        dbs = list(typed)
        lines += [
            "",
            "SQL statements and CPU ms per request of each page type, in process (test "
            "client, warm, mean of whole journeys; statements as the range seen):",
            "",
            "| page type | " + " | ".join(f"{db} statements | {db} CPU ms" for db in dbs) + " |",
            "|---|" + "---|---|" * len(dbs),
        ]
        kinds = list(dict.fromkeys(k for db in dbs for k in typed[db]))
        for kind in kinds:
            cells = []
            for db in dbs:
                row = typed[db].get(kind) or {}
                low, high = row.get("statements", ["-", "-"])
                cells.append(f"{low if low == high else f'{low}-{high}'} | {row.get('cpu_ms')}")
            lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    weight = resident.get("weight") or {}
    if weight:
        lines += [
            "",
            "Page weight, first visit (the heaviest page of each type; CSS and JavaScript "
            "are cached after the first page), bytes:",
            "",
            "| page type | HTML | HTML gzip | CSS + JS | CSS + JS gzip | total | total gzip |",
            "|---|---|---|---|---|---|---|",
        ]
        for kind, row in weight.items():
            lines.append(
                f"| {kind} | {row['html']:,} | {row['html_gzip']:,} | {row['css_js']:,} | "
                f"{row['css_js_gzip']:,} | {row['total']:,} | {row['total_gzip']:,} |"
            )
    pages = resident.get("pages") or {}
    if pages:
        lines += [
            "",
            "Every page of the survey and a page of 60 questions, in process (SQLite):",
            "",
            "| page | questions | fields | CPU ms per render | SQL statements |",
            "|---|---|---|---|---|",
        ]
        for name, page in pages.items():
            lines.append(
                f"| {name} | {page['questions']} | {page['fields']} | "
                f"{page['cpu_ms']} | {page['sql_statements']} |"
            )
    return lines


def evaluate(results: dict[str, Any], previous_full: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One entry per target: name, measured value, verdict."""
    targets: list[dict[str, Any]] = []

    def add(name: str, measured: str, ok: bool | None) -> None:
        targets.append({"target": name, "measured": measured, "verdict": _verdict(ok)})

    scenarios = results.get("scenarios", {})
    resident = scenarios.get("resident")
    if resident:
        for db, data in resident.get("databases", {}).items():
            if "skipped" in data:
                continue
            run = data["peak"]
            rate = f"{run['rate_asked']:.0f} requests/s"
            worst = max(run["pages"].items(), key=lambda kv: kv[1]["p95_ms"])
            # A page type no request reached is not a pass (a run too short
            # for journeys to end never measures the final submit).
            missing = [kind for kind in KINDS if kind not in run["pages"]]
            add(
                f"p95 of every page type <= {P95_MS:.0f} ms at {rate} ({db})",
                f"slowest p95: {worst[0]} {worst[1]['p95_ms']} ms (its p99 "
                f"{worst[1]['p99_ms']} ms)"
                + (f"; not measured: {', '.join(missing)}" if missing else ""),
                not missing and all(page["p95_ms"] <= P95_MS for page in run["pages"].values()),
            )
            stored = data.get("stored") or {}
            add(
                f"no errors at {rate}, every answer sent is stored ({db})",
                f"{run['errors']} errors in {run['requests']} requests; "
                f"{stored.get('responses')} responses stored of {stored.get('submitted')} sent",
                run["errors"] == 0
                and bool(stored.get("submitted"))
                and stored.get("responses") == stored.get("submitted"),
            )
        weight = resident.get("weight") or {}
        if weight:
            heaviest = max(weight.items(), key=lambda kv: kv[1]["total"])
            add(
                f"page weight <= {PAGE_KB:.0f} KB per page, first visit (HTML + CSS + JS)",
                f"heaviest: {heaviest[0]} {heaviest[1]['total'] / 1000:.1f} KB "
                f"({heaviest[1]['total_gzip'] / 1000:.1f} KB gzip)",
                heaviest[1]["total"] <= PAGE_KB * 1000,
            )
        pages = resident.get("pages") or {}
        if pages:
            slowest = max(pages.items(), key=lambda kv: kv[1]["cpu_ms"])
            add(
                f"page render <= {RENDER_MS:.0f} ms CPU (every page, also 60 questions)",
                f"slowest: {slowest[0]} {slowest[1]['cpu_ms']} ms",
                slowest[1]["cpu_ms"] <= RENDER_MS,
            )
            counts = sorted({p["sql_statements"] for p in pages.values()})
            add(
                "constant SQL statements per page (no N+1)",
                f"{counts} statements on pages of 1 to 60 questions",
                len(counts) == 1,
            )
    report = scenarios.get("report")
    full_report = _get(previous_full, "scenarios", "report")
    if report:
        at100 = _size(report.get("sqlite"), 100_000)
        if at100:
            ratio = at100["report_json_s"] / max(at100["bare_group_by_s"], 1e-9)
            add(
                "report JSON at 100k <= 1.5 s (SQLite)",
                f"{at100['report_json_s']:.2f} s",
                at100["report_json_s"] <= REPORT_100K_S,
            )
            add(
                "report JSON at 100k <= 1.5x the bare GROUP BY (SQLite)",
                f"{ratio:.1f}x ({at100['bare_group_by_s']:.3f} s)",
                ratio <= REPORT_RATIO,
            )
            if "pdf_s" in at100:
                add(
                    "PDF at 100k <= 10 s",
                    f"{at100['pdf_s']:.1f} s (+ {at100['model_s']:.1f} s model)",
                    at100["pdf_s"] <= PDF_100K_S,
                )
            elif at100.get("pdf_error"):
                add("PDF at 100k <= 10 s", "failed", False)
        pg100 = _size(report.get("postgresql"), 100_000)
        if pg100:
            ratio = pg100["report_json_s"] / max(pg100["bare_group_by_s"], 1e-9)
            add(
                "report JSON at 100k <= 1.5 s and <= 1.5x GROUP BY (PostgreSQL)",
                f"{pg100['report_json_s']:.2f} s, {ratio:.1f}x",
                pg100["report_json_s"] <= REPORT_100K_S and ratio <= REPORT_RATIO,
            )
        at1m = _size(report.get("sqlite"), 1_000_000) or _size(
            _get(full_report, "sqlite"), 1_000_000
        )
        if at1m:
            add(
                "report JSON at 1M <= 15 s",
                f"{at1m['report_json_s']:.1f} s",
                at1m["report_json_s"] <= REPORT_1M_S,
            )
            add(
                "report at 1M peak RSS <= 500 MB",
                f"{at1m['peak_rss_mb']:.0f} MB",
                at1m["peak_rss_mb"] <= RSS_MB,
            )
        else:
            add("report JSON at 1M <= 15 s", "not run (make bench ARGS=--full)", None)
        demo = report.get("demo_page")
        if demo and "page_s" in demo:
            add(
                f"demo report page <= {DEMO_PAGE_S:.0f} s (first open; opened again apart)",
                f"{demo['page_first_s']:.2f} s ({demo['page_first_ratio']:.2f}x the bare model, "
                f"{demo['page_first_cpu_s']:.2f} s CPU); again {demo['page_s']:.2f} s "
                f"({demo['page_ratio']:.2f}x)"
                + (
                    f"; its charts apart: first screen drawn {demo['first_screen_s']:.2f} s, "
                    f"all {demo['charts']} drawn {demo['all_charts_s']:.2f} s"
                    if "all_charts_s" in demo
                    else ""
                ),
                demo["page_first_s"] <= DEMO_PAGE_S,
            )
            add(
                f"demo PDF <= {DEMO_PDF_S:.0f} s (after the page; cold apart)",
                f"{demo['pdf_after_page_s']:.2f} s ({demo['pdf_after_page_ratio']:.2f}x); "
                f"cold {demo['pdf_first_s']:.2f} s",
                demo["pdf_after_page_s"] <= DEMO_PDF_S,
            )
    exports = scenarios.get("exports")
    if exports:
        rows = list(exports.get("sqlite", []))
        full_rows = _get(previous_full, "scenarios", "exports", "sqlite") or []
        if not _size(rows, 1_000_000) and _size(full_rows, 1_000_000):
            rows.append(_size(full_rows, 1_000_000))  # type: ignore[arg-type]
        largest = max(rows, key=lambda r: r["size"]) if rows else None
        if largest:
            for fmt in ("csv", "xlsx", "sav"):
                cell = largest.get(fmt) or {}
                if "peak_rss_mb" not in cell:
                    add(f"{fmt} export peak RSS <= 500 MB", "failed", False)
                    continue
                growth = [
                    f"{r['size'] // 1000}k: {r[fmt]['peak_rss_mb']:.0f} MB"
                    for r in sorted(rows, key=lambda r: r["size"])
                    if "peak_rss_mb" in (r.get(fmt) or {})
                ]
                add(
                    f"{fmt} export peak RSS <= 500 MB at {largest['size'] // 1000}k, flat",
                    ", ".join(growth),
                    cell["peak_rss_mb"] <= RSS_MB,
                )
    letters = scenarios.get("letters")
    if letters:
        add(
            f">= {letters['target_per_s']} letters/s, {letters['letters']:,} letters in one PDF",
            f"{letters['letters_per_s']}/s ({letters['seconds']} s with app start; "
            f"{letters['pages']:,} pages)",
            letters["exit"] == 0
            and letters["pages"] == letters["letters"]
            and letters["letters_per_s"] >= letters["target_per_s"],
        )
    return targets


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def markdown(results: dict[str, Any], previous_full: dict[str, Any] | None) -> str:
    m = results["machine"]
    v = m["versions"]
    lines = [
        "# Benchmark results",
        "",
        f"Generated {results['generated']} ({results['mode']} run) by `make bench`.",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_mb']} MB, {m['os']}; "
        f"load average at start {m['load_average_at_start']} (a shared machine: compare "
        "the ratios, absolute times drift).",
        f"Python {m['python']}, SQLite {v.get('sqlite')}, PostgreSQL {v.get('postgresql')}, "
        + ", ".join(f"{k} {v[k]}" for k in v if k not in ("sqlite", "postgresql"))
        + ".",
        "",
        "## Targets",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
    ]
    for t in results.get("targets", []):
        lines.append(f"| {t['target']} | {t['measured']} | **{t['verdict']}** |")
    scenarios = results.get("scenarios", {})
    resident = scenarios.get("resident")
    if resident:
        lines += _resident_sections(resident)
    report = scenarios.get("report")
    if report:
        rows = list(report.get("sqlite", []))
        full_rows = _get(previous_full, "scenarios", "report", "sqlite") or []
        note = ""
        if not _size(rows, 1_000_000) and _size(full_rows, 1_000_000):
            rows.append({**_size(full_rows, 1_000_000), "from_full": True})  # type: ignore[dict-item]
            note = f" (1M from the --full run of {previous_full['generated']})"  # type: ignore[index]
        lines += [
            "",
            f"## 2. Input report{note}",
            "",
            "| engine | responses | bare GROUP BY s | report model s | JSON s | total s | "
            "ratio | PDF s | peak RSS MB | RSS before MB |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for engine, engine_rows in (("SQLite", rows), ("PostgreSQL", report.get("postgresql", []))):
            for r in engine_rows:
                ratio = r["report_json_s"] / max(r["bare_group_by_s"], 1e-9)
                lines.append(
                    f"| {engine} | {r['size']:,} | {r['bare_group_by_s']:.3f} | "
                    f"{r['model_s']:.2f} | {r['json_s']:.2f} | {r['report_json_s']:.2f} | "
                    f"{ratio:.1f}x | {_fmt(r.get('pdf_s'), 1)} | {r['peak_rss_mb']:.0f} | "
                    f"{r['rss_before_mb']:.0f} |"
                )
        demo = report.get("demo_page")
        if demo and "page_s" in demo:
            lines += [
                "",
                "The demo (`flask demo`, 1,500 residents) as a planner meets it, through the "
                f"app (load average {demo['load_average']} before, "
                f"{demo['load_average_after']} after):",
                "",
                "| step | wall s | CPU s | ratio to the bare model |",
                "|---|---|---|---|",
                f"| bare report model | {demo['model_s']:.2f} | "
                f"{demo['model_cpu_s']:.2f} | 1.00x |",
            ]
            for name, label in (
                ("page_first", "report page HTML, first open (nothing remembered)"),
                ("first_screen", "+ the charts fetched at once, drawn"),
                ("all_charts", "+ every chart drawn, one after the other"),
                ("page_charts", "report page, charts to draw (audit remembered)"),
                ("charts_again", "every chart again, from the store"),
                ("page", "report page, opened again"),
                ("pdf_after_page", "PDF after the page"),
                ("pdf_again", "PDF downloaded again"),
                ("pdf_first", "PDF, nothing remembered"),
            ):
                if name + "_s" not in demo:
                    continue  # a step an older run did not time
                lines.append(
                    f"| {label} | {demo[name + '_s']:.2f} | {demo[name + '_cpu_s']:.2f} | "
                    f"{demo[name + '_ratio']:.2f}x |"
                )
        for engine, plan in report.get("explain", {}).items():
            lines += [
                "",
                f"EXPLAIN of the main aggregation (`aggregates.answer_cube`) on {engine}:",
                "",
                "```",
                plan["query"],
                "",
                plan["plan"],
                "```",
            ]
        profiled = [r for r in rows if r.get("profile") and not r.get("from_full")]
        missed = [
            t
            for t in results.get("targets", [])
            if "report" in t["target"] and t["verdict"] == "FAIL"
        ]
        if profiled and missed:
            r = profiled[-1]
            lines += [
                "",
                f"Profile of the report at {r['size']:,} responses (cProfile, cumulative):",
                "",
                "```",
                r["profile"],
                "```",
            ]
    exports = scenarios.get("exports")
    if exports:
        rows = list(exports.get("sqlite", []))
        full_rows = _get(previous_full, "scenarios", "exports", "sqlite") or []
        if not _size(rows, 1_000_000) and _size(full_rows, 1_000_000):
            rows.append(_size(full_rows, 1_000_000))  # type: ignore[arg-type]
        lines += [
            "",
            "## 3. Exports (SQLite)",
            "",
            "| responses | format | seconds | ratio to bare | peak RSS MB | file MB |",
            "|---|---|---|---|---|---|",
        ]
        for r in rows:
            bare = (r.get("bare") or {}).get("seconds")
            for fmt in ("bare", "csv", "xlsx", "sav"):
                cell = r.get(fmt) or {}
                if "seconds" not in cell:
                    lines.append(f"| {r['size']:,} | {fmt} | failed | | | |")
                    continue
                ratio = f"{cell['seconds'] / bare:.1f}x" if bare else "-"
                lines.append(
                    f"| {r['size']:,} | {fmt} | {cell['seconds']:.1f} | {ratio} | "
                    f"{cell['peak_rss_mb']:.0f} | {cell['bytes'] / 1e6:.1f} |"
                )
    imported = scenarios.get("import")
    if imported:
        lines += [
            "",
            "## 4. Import (`flask responses import`, SQLite)",
            "",
            "| rows | seconds | bare Core insert s | ratio | peak RSS MB | stored | exit |",
            "|---|---|---|---|---|---|---|",
            f"| {imported['rows']:,} | {imported['seconds']} | {imported['baseline_s']} | "
            f"{imported['ratio']}x | {imported['peak_rss_mb']} | {imported['stored']:,} | "
            f"{imported['exit']} |",
        ]
    letters = scenarios.get("letters")
    if letters:
        lines += [
            "",
            "## 5. Letters (`flask letters print`, one PDF, SQLite)",
            "",
            "| letters | seconds | letters/s | CPU s | letters per CPU s | load | pages "
            "| WeasyPrint per letter, letters/s | ratio | peak RSS MB | file MB | exit |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
            f"| {letters['letters']:,} | {letters['seconds']} | {letters['letters_per_s']} | "
            f"{letters.get('cpu_s')} | {letters.get('letters_per_cpu_s')} | "
            f"{letters.get('load_average')} | "
            f"{letters['pages']:,} | {letters['baseline_per_s']} | {letters['ratio']}x | "
            f"{letters['peak_rss_mb']} | {letters['file_mb']} | {letters['exit']} |",
        ]
    notes = results.get("notes")
    if notes:
        lines += ["", "## Notes", "", notes]
    lines += [
        "",
        "Reproduce: `make bench` (or `.venv/bin/python -m bench [--quick] [--full] "
        "[--only resident|report|exports|import|letters]`); durations of this run: "
        + ", ".join(f"{k} {v} s" for k, v in results.get("durations_s", {}).items())
        + ".",
        "",
    ]
    return "\n".join(lines)
