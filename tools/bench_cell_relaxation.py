#!/usr/bin/env python3
"""Cost of relaxing the cell to a target pressure against a fixed-box minimisation.

Runs `mdsens minimize SYSTEM.json --json` in a fixed box, with `--pressure P` (isotropic cell) and
with `--pressure P --relax-shear` (full cell), alternating, `--repeats` times each, one thread
(MDSENS_THREADS=1), and prints a Markdown row per variant: iterations, evaluations, median wall time,
median ns per evaluation and particle, its ratio to the fixed box, the final pressure and the largest
|sigma + P I| on the relaxed components (docs/benchmarks.md, "Relaxing the cell to a target pressure").

    python3 tools/bench_cell_relaxation.py SYSTEM.json [--pressure 0.01] [--repeats 3] [--mdsens PATH]
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("system")
    parser.add_argument("--pressure", default="0.01")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--mdsens", default=os.path.join(ROOT, ".build", "release", "mdsens"))
    args = parser.parse_args()
    variants = {"fixed box": [], f"--pressure {args.pressure}": ["--pressure", args.pressure],
                f"--pressure {args.pressure} --relax-shear": ["--pressure", args.pressure, "--relax-shear"]}
    runs = {name: [] for name in variants}
    environment = dict(os.environ, MDSENS_THREADS="1")
    with tempfile.TemporaryDirectory() as directory:
        output = os.path.join(directory, "out.h5")
        for _ in range(args.repeats):
            for name, extra in variants.items():
                completed = subprocess.run([args.mdsens, "minimize", args.system, "--out", output, "--json"] + extra,
                                           capture_output=True, text=True, env=environment)
                summary = json.loads(completed.stdout)
                runs[name].append(summary)
                print(name, summary["steps"], summary["force_evaluations"], round(summary["seconds"], 3),
                      summary["pressure"], summary["converged"], flush=True)
    particles = runs["fixed box"][0]["n_particles"]
    per_evaluation = {name: statistics.median(s["seconds"] / s["force_evaluations"] for s in summaries)
                      for name, summaries in runs.items()}
    for name, summaries in runs.items():
        first = summaries[0]
        print(f"| {name} | {first['steps']} | {first['force_evaluations']} | "
              f"{statistics.median(s['seconds'] for s in summaries):.2f} | "
              f"{per_evaluation[name] / particles * 1e9:.1f} | {per_evaluation[name] / per_evaluation['fixed box']:.2f} | "
              f"{first['pressure']:.12g} | {first.get('stress_residual', float('nan')):.2g} |")


if __name__ == "__main__":
    main()
