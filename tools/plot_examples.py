#!/usr/bin/env python3
"""Plots of the mdsens-examples outputs (matplotlib).

Usage: python3 tools/plot_examples.py [examples-output]
Reads jacobian-precision.json, svm.json, distillation.json, dictionary.json when present and
writes jacobian-precision.png, svm-time.png, svm-loss.png, distilled-prototypes.png next to them.
"""
import json
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

DIR = sys.argv[1] if len(sys.argv) > 1 else "examples-output"


def load(name):
    path = os.path.join(DIR, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def jacobian_precision(records):
    x = [r["solutionError"] for r in records]
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.loglog(x, [r["implicitJacobianError"] for r in records], "o-", ms=3, label="implicit differentiation")
    ax.loglog(x, [r["unrolledJacobianError"] for r in records], "s-", ms=3, label="unrolling")
    ax.loglog(x, [r["bound"] for r in records], "k--", label="Corollary 1 bound")
    ax.set_xlabel(r"$\|\hat x - x^\star\|$")
    ax.set_ylabel(r"$\|J - \partial x^\star(\theta)\|_F$")
    ax.invert_xaxis()
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(DIR, "jacobian-precision.png"), dpi=150)


def svm(runs):
    """svm.json: one entry per (features, solver, mode, condition) outer run."""
    solvers = sorted({r["solver"] for r in runs})
    variants = sorted({(r["mode"], r.get("condition") or "") for r in runs})
    fig, axes = plt.subplots(1, len(solvers), figsize=(4 * len(solvers), 3.5), squeeze=False)
    for ax, solver in zip(axes[0], solvers):
        for mode, condition in variants:
            sel = sorted((r for r in runs if r["solver"] == solver and r["mode"] == mode
                          and (r.get("condition") or "") == condition), key=lambda r: r["features"])
            if sel:
                ax.plot([r["features"] for r in sel], [r["secondsPerIteration"] for r in sel], "o-",
                        label=f"{mode} {condition}".strip())
        ax.set_title(solver)
        ax.set_xlabel("number of features p")
        ax.set_ylabel("seconds per outer iteration")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(DIR, "svm-time.png"), dpi=150)
    fig, ax = plt.subplots(figsize=(5, 4))
    unrolled = {(r["features"], r["solver"]): r for r in runs if r["mode"] == "unrolled"}
    pairs = [(r, unrolled[(r["features"], r["solver"])]) for r in runs
             if r["mode"] == "implicit" and (r["features"], r["solver"]) in unrolled]
    for solver in solvers:
        sel = [(i, u) for i, u in pairs if i["solver"] == solver]
        ax.plot([i["finalValidationLoss"] for i, _ in sel], [u["finalValidationLoss"] for _, u in sel],
                "o", label=solver)
    values = [v for i, u in pairs for v in (i["finalValidationLoss"], u["finalValidationLoss"])]
    if values:
        ax.plot([min(values), max(values)], [min(values), max(values)], "k--", lw=1)
    ax.set_xlabel("final validation loss, implicit")
    ax.set_ylabel("final validation loss, unrolled")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(DIR, "svm-loss.png"), dpi=150)


def distillation(output):
    prototypes = np.array(output["prototypes"])
    fig, axes = plt.subplots(1, 10, figsize=(12, 1.6))
    for digit, ax in enumerate(axes):
        ax.imshow(prototypes[digit].reshape(8, 8), cmap="gray")
        ax.set_title(str(digit))
        ax.axis("off")
    fig.suptitle(f"distilled digits (test accuracy {output['testAccuracy']:.3f})")
    fig.tight_layout()
    fig.savefig(os.path.join(DIR, "distilled-prototypes.png"), dpi=150)


if __name__ == "__main__":
    for name, plot in [("jacobian-precision.json", jacobian_precision), ("svm.json", svm),
                       ("distillation.json", distillation)]:
        data = load(name)
        if data is not None:
            plot(data)
            print("plotted", name)
    table = load("dictionary.json")
    if table is not None:
        for entry in table:
            print(entry["dataset"], ", ".join(f"{m}: {s['mean']:.3f} ± {s['halfWidth']:.3f}"
                                             for m, s in zip(entry["methods"], entry["summary"])))
