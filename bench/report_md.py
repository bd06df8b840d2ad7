"""The targets of issue 8 checked against the results, and the Markdown
table of ``bench/results/latest.md``."""

from __future__ import annotations

from typing import Any

SUBMIT_RATIO = 0.5
JOURNEYS_4 = 100.0
RENDER_MS = 15.0
REPORT_100K_S = 1.5
REPORT_RATIO = 1.5
REPORT_1M_S = 15.0
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


def _first_bare_bytes(resident: dict[str, Any]) -> Any:
    for data in resident.get("databases", {}).values():
        if "bare_page_bytes" in data:
            return data["bare_page_bytes"]
    return "?"


def _request_cpu_text(cpu: dict[str, Any] | None) -> str:
    """The in-process CPU ms per request type, as a sentence."""
    if not cpu:
        return ""
    return (
        " CPU ms per request in process (test client, warm): page GET "
        f"{cpu.get('page_get')}, page POST {cpu.get('page_post')}, check page "
        f"{cpu.get('check_get')}, final submit {cpu.get('final_submit')}, a whole journey "
        f"{cpu.get('whole_journey')}."
    )


def journey_budget_ms(data: dict[str, Any], cores: int | None) -> float | None:
    """CPU ms per request that 100 complete responses/s with 4 clients
    leaves the app on top of the bare stack's journey on the same cores:
    (cores / 100 - cores / bare journeys per s) / requests per journey."""
    four = next((j for j in data.get("journeys", []) if j.get("clients") == 4), None)
    bare = data.get("bare_journeys_4_clients_per_s")
    if not cores or not four or not bare or not four.get("responses_per_s"):
        return None
    per_journey = float(four["requests_per_s"]) / float(four["responses_per_s"])
    return round((cores / JOURNEYS_4 - cores / float(bare)) / per_journey * 1000, 2)


def page_get_floor_ms(floor: dict[str, float]) -> float:
    """What a page GET needs beyond the bare stack's request (which is also
    a Flask request): one ORM read and commit, and its template."""
    return round(floor["orm_read_commit"] + floor["page_template"], 2)


def _floor_text(render: dict[str, Any]) -> str:
    """The stack's own cost per request (``stack_floor``), as a sentence."""
    floor = render.get("stack_floor_ms")
    if not floor:
        return ""
    return (
        " What a request costs before the app's own logic (in process, CPU ms): the bare "
        f"stack's whole journey {floor['bare_journey']} (the same requests, static pages); a "
        f"Flask request returning a string {floor['flask_request']}, the survey row read "
        f"through the ORM and committed {floor['orm_read_commit']}, the page template of a "
        f"page GET {floor['page_template']}: {page_get_floor_ms(floor)} ms beyond the bare "
        "stack's request for a page GET."
    )


def _budget_text(budget: float | None, floor: dict[str, float] | None) -> str:
    """The journey target's budget beside the stack's floor, for the
    target line (empty without either)."""
    if budget is None or not floor:
        return ""
    cost = (
        "an ORM read and commit plus the template of a page GET cost "
        f"{page_get_floor_ms(floor)} ms (in process, SQLite)"
    )
    if budget <= 0:
        return f"; the bare stack's own journey is below 100/s in this run; {cost}"
    return f"; 100/s leaves {budget} ms CPU per request over the bare stack, {cost}"


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
            ratio = data.get("final_submit_ratio")
            add(
                f"final submit >= 50 % of the bare-stack ceiling ({db})",
                f"{data['final_submit_best_per_s']}/s vs {data['ceiling_per_s']}/s = "
                f"{round((ratio or 0) * 100)} %",
                ratio is not None and ratio >= SUBMIT_RATIO,
            )
            four = data.get("journeys_4_clients_per_s")
            bare_four = data.get("bare_journeys_4_clients_per_s")
            journey_ratio = data.get("journeys_4_clients_ratio")
            budget = journey_budget_ms(data, (results.get("machine") or {}).get("cores"))
            floor = (resident.get("render") or {}).get("stack_floor_ms")
            add(
                f">= 100 complete responses/s with 4 clients ({db})",
                f"{four}/s"
                + (
                    f" (bare-stack journey {bare_four}/s: {round(journey_ratio * 100)} %)"
                    if bare_four and journey_ratio is not None
                    else ""
                )
                + _budget_text(budget, floor),
                None if four is None else four >= JOURNEYS_4,
            )
        render = resident.get("render") or {}
        longest = render.get("longest_page") or {}
        short = render.get("short_page") or {}
        if longest:
            add(
                "page render <= 15 ms CPU (short and longest page)",
                f"{short.get('page')}: {short.get('cpu_ms')} ms, "
                f"{longest.get('page')}: {longest.get('cpu_ms')} ms",
                max(short.get("cpu_ms", 0), longest.get("cpu_ms", 0)) <= RENDER_MS,
            )
            counts = sorted({p["sql_statements"] for p in render.get("pages", {}).values()})
            add(
                "constant SQL statements per page (no N+1)",
                f"{counts} statements on pages of 1 to 60 questions",
                render.get("sql_constant"),
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
        lines += [
            "",
            "## 1. Residents through HTTP (gunicorn, "
            f"{resident['workers']} sync workers, {resident['seconds_per_run']} s per run)",
            "",
        ]
        rerun = resident.get("rerun")
        if rerun:
            lines += [
                f"Re-run alone with `--only resident` at {rerun['generated']} (load average "
                f"at start {rerun['load_average_at_start']}) and merged into this run's results.",
                "",
            ]
        lines += [
            "| database | clients | bare stack submits/s | final submits/s | ratio | "
            "bare stack journeys/s | complete responses/s | ratio | requests/s | "
            "page GET p50/p95 ms | final submit p50 ms |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for db, data in resident.get("databases", {}).items():
            if "skipped" in data:
                lines.append(f"| {db} | skipped: {data['skipped']} | | | | | | | | | |")
                continue
            bare_journeys = data.get("baseline_journeys") or [{}] * len(data["journeys"])
            for base, sub, jour, bare in zip(
                data["baseline"], data["final_submit"], data["journeys"], bare_journeys, strict=True
            ):
                ratio = sub["submits_per_s"] / base["submits_per_s"] if base["submits_per_s"] else 0
                bare_rate = bare.get("responses_per_s")
                journey_ratio = f"{jour['responses_per_s'] / bare_rate:.2f}" if bare_rate else "-"
                get = jour["latency_ms"].get("get", {})
                lines.append(
                    f"| {db} | {base['clients']} | {base['submits_per_s']} | "
                    f"{sub['submits_per_s']} | {ratio:.2f} | {bare_rate or '-'} | "
                    f"{jour['responses_per_s']} | {journey_ratio} | "
                    f"{jour['requests_per_s']} | {get.get('p50')}/{get.get('p95')} | "
                    f"{sub['latency_ms']['p50']} |"
                )
        render = resident.get("render") or {}
        if render:
            lines += [
                "",
                f"Answer rows per complete response: {render.get('answer_rows_per_response')} "
                "(the baseline inserts the same rows). The bare-stack journey takes the same "
                "requests per complete response (static pages of the app's mean size "
                f"{_first_bare_bytes(resident)} B with a CSRF-like token, POSTs parsed and "
                "redirected, the final POST inserting the answer rows). SQL statements: page POST "
                f"{render.get('page_post_sql')}, check page {render.get('check_page_sql')}, "
                f"final submit {render.get('final_submit_sql')}."
                + _request_cpu_text(render.get("request_cpu_ms"))
                + _floor_text(render),
                "",
                "| page | questions | fields | CPU ms per render | SQL statements |",
                "|---|---|---|---|---|",
            ]
            for name, page in render.get("pages", {}).items():
                lines.append(
                    f"| {name} | {page['questions']} | {page['fields']} | "
                    f"{page['cpu_ms']} | {page['sql_statements']} |"
                )
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
