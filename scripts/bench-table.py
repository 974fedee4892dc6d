#!/usr/bin/env python3
"""Prints a table of the latest criterion results: median time per iteration and, where a
benchmark declared a throughput, the median rate. Usage: bench-table.py target/criterion"""
import json
import pathlib
import sys


RATIOS = [
    ("bundle/export_", "bundle/baseline_tar_zstd_age_", "bundle/export vs tar|zstd|age (same files)"),
    ("timeline/import_", "timeline/baseline_plain_sqlite_import_", "timeline/import vs plain SQLite insert (same rows)"),
]


def human_time(ns: float) -> str:
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3f} {unit}"
    return f"{ns:.1f} ns"


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
    rows = []
    medians_ns = {}
    for est in sorted(root.glob("**/new/estimates.json")):
        bench_dir = est.parent.parent
        name = str(bench_dir.relative_to(root))
        median_ns = json.loads(est.read_text())["median"]["point_estimate"]
        medians_ns[name] = median_ns
        rate = ""
        bench_json = est.parent / "benchmark.json"
        if bench_json.exists():
            tp = json.loads(bench_json.read_text()).get("throughput")
            if tp:
                kind, amount = next(iter(tp.items()))
                per_s = amount / (median_ns / 1e9)
                rate = f"{per_s:,.0f} {'elements' if kind == 'Elements' else 'bytes'}/s"
        rows.append((name, human_time(median_ns), rate))
    # Ratios against baselines measured in the same run: (name of ours, name of baseline, label).
    medians = {name: t for name, t in medians_ns.items()}
    for ours_prefix, base_prefix, label in RATIOS:
        for ours in [n for n in medians if n.startswith(ours_prefix)]:
            suffix = ours[len(ours_prefix):]
            base = base_prefix + suffix
            if base in medians:
                ratio = medians[base] / medians[ours]
                rows.append((f"{label} [{suffix}]", "", f"{ratio:.2f}x the baseline's throughput"))
    extra = root / "casebook-extra.json"
    if extra.exists():
        for name, value in json.loads(extra.read_text()).items():
            rows.append((name, "", value))
    if not rows:
        print(f"no criterion results under {root}", file=sys.stderr)
        return 1
    w = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{w}}  {'median':>12}  rate")
    print(f"{'-' * w}  {'-' * 12}  {'-' * 20}")
    for name, t, rate in rows:
        print(f"{name:<{w}}  {t:>12}  {rate}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
