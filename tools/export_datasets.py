#!/usr/bin/env python3
"""Export scikit-learn's small datasets into the fixtures of the BilevelExamples module.

Usage: pip install scikit-learn && python3 tools/export_datasets.py
Writes Sources/BilevelExamples/Data/{diabetes,digits,breast_cancer}.csv: one sample per line,
features first, target last (diabetes: the scaled features sklearn returns and the raw target;
digits: the 64 pixel intensities 0-16 and the class; breast cancer: the 30 raw features and 0/1).
"""
import os
import numpy as np
from sklearn import datasets

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Sources", "BilevelExamples", "Data")


def export(name, bunch, fmt):
    table = np.column_stack([bunch.data, bunch.target])
    path = os.path.join(OUT, name + ".csv")
    np.savetxt(path, table, delimiter=",", fmt=fmt)
    print(f"{path}: {table.shape[0]} samples x {table.shape[1] - 1} features")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    export("diabetes", datasets.load_diabetes(), "%.17g")
    export("digits", datasets.load_digits(), "%d")
    export("breast_cancer", datasets.load_breast_cancer(), "%.17g")
