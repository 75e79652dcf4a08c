#!/usr/bin/env python3
"""Any column of an `mdsens ensemble` summary against a swept parameter, with error bars.

Usage: tools/plot_ensemble.py SUMMARY.json --x FIELD --y COLUMN [--members] [--logx] [--logy]
                              [--out FILE] [--list]

SUMMARY.json is the summary.json in a sweep's output folder. FIELD is a varied field of the sweep
(packing_fraction, diameter.small, epsilon, ...; also pressure-like columns are columns, not fields);
COLUMN is a column of the summary (elasticity.shear_modulus, minimize.energy, sensitivity.l1_norm, ...;
--list prints them). Each point is the mean over the members with that parameter value (the seeds),
the error bar its standard error, both from the summary's statistics; when further fields vary
besides FIELD and the seed, each of their combinations is a separate series. With --members the
single members are drawn too (small grey points). With --x seed the members themselves are drawn.

Output: FILE (default <summary folder>/<COLUMN>_vs_<FIELD>.png; the extension picks the format).
Needs matplotlib (pip install matplotlib). Exits 1 on an unknown field or column, 2 when matplotlib
is missing.
"""
import argparse
import json
import os
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("summary")
    parser.add_argument("--x", help="a varied field of the sweep")
    parser.add_argument("--y", help="a column of the summary")
    parser.add_argument("--members", action="store_true", help="draw every member as well")
    parser.add_argument("--logx", action="store_true")
    parser.add_argument("--logy", action="store_true")
    parser.add_argument("--out")
    parser.add_argument("--list", action="store_true", help="print the fields and columns and stop")
    arguments = parser.parse_args()

    with open(arguments.summary) as handle:
        summary = json.load(handle)
    if summary.get("format") != "mdsens-ensemble-summary":
        print(f"plot_ensemble: {arguments.summary} is not an mdsens ensemble summary", file=sys.stderr)
        return 1
    fields, columns = summary["fields"], summary["columns"]
    if arguments.list or not arguments.x or not arguments.y:
        print("fields: " + ", ".join(fields))
        print("columns: " + ", ".join(columns))
        return 0 if arguments.list else 1
    if arguments.x not in fields:
        print(f"plot_ensemble: '{arguments.x}' is not a varied field; fields: {', '.join(fields)}", file=sys.stderr)
        return 1
    if arguments.y not in columns:
        print(f"plot_ensemble: '{arguments.y}' is not a column; columns: {', '.join(columns)}", file=sys.stderr)
        return 1

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as error:
        print(f"plot_ensemble: {error}; install with: pip install matplotlib", file=sys.stderr)
        return 2

    figure, axes = plt.subplots(figsize=(6, 4.5))
    if arguments.x == "seed":
        rows = [row for row in summary["rows"] if row["status"] == "succeeded" and arguments.y in row["values"]]
        axes.plot([row["parameters"]["seed"] for row in rows], [row["values"][arguments.y] for row in rows], "o")
    else:
        # Series: one per combination of the other non-seed fields.
        others = [field for field in fields if field not in (arguments.x, "seed")]
        series = {}
        for group in summary["statistics"]:
            if arguments.y not in group["mean"]:
                continue
            key = tuple(group["parameters"][field] for field in others)
            series.setdefault(key, []).append(
                (group["parameters"][arguments.x], group["mean"][arguments.y],
                 group["standard_error"].get(arguments.y, 0.0) or 0.0, group["count"][arguments.y]))
        for key, points in series.items():
            points.sort()
            label = ", ".join(f"{field} = {value}" for field, value in zip(others, key)) or None
            axes.errorbar([p[0] for p in points], [p[1] for p in points], yerr=[p[2] for p in points],
                          marker="o", capsize=3, label=label)
        if arguments.members:
            rows = [row for row in summary["rows"] if row["status"] == "succeeded" and arguments.y in row["values"]]
            axes.plot([row["parameters"][arguments.x] for row in rows], [row["values"][arguments.y] for row in rows],
                      ".", color="0.6", markersize=3, zorder=0)
        if others:
            axes.legend(fontsize=8)
    if arguments.logx:
        axes.set_xscale("log")
    if arguments.logy:
        axes.set_yscale("log")
    axes.set_xlabel(arguments.x)
    axes.set_ylabel(arguments.y + ("" if arguments.x == "seed" else " (mean ± standard error)"))
    counts = f"{summary['succeeded']} of {summary['members']} members succeeded"
    axes.set_title(counts, fontsize=9)
    figure.tight_layout()
    output = arguments.out or os.path.join(os.path.dirname(os.path.abspath(arguments.summary)),
                                           f"{arguments.y}_vs_{arguments.x}.png")
    figure.savefig(output, dpi=150)
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
