#!/usr/bin/env python3
"""The NumPy / scikit-learn peer of Merit's valuation methods, run by `go run ./bench`.

Usage: python3 -B bench/peer/peer.py TASK.json OUT.json

TASK.json names the data — .npy files of Merit's integer features (int32, rows × dims) and
labels, written by the Go harness from the engine's own datasets, so both sides value
identical inputs — and lists the methods to run:

    {"train_x": "...", "train_y": "...", "test_x": "...", "test_y": "...",
     "classes": 10, "k": 5,
     "methods": [{"method": "knn-shapley", "test_rows": 100, "batch": 64,
                  "algorithm": "brute", "recursion": "vectorised"},
                 {"method": "loo"}, {"method": "marginal"},
                 {"method": "tmc-shapley", "samples": 20, "truncation": 2, "seed": 1},
                 {"method": "banzhaf", "samples": 20, "seed": 1}]}

"test_rows" (any method) values on the first rows of the test set only; "min_seconds"
repeats a method until its runs add up to that long (at most 20 runs). OUT.json gets the
environment (versions, BLAS and its threads) and, per method, its wall time in seconds
(the median run; reading the data and importing the libraries excluded), phase times,
and the values: "num" (integers; value = num / den) for the exact integer methods,
"values" (float64) otherwise. methods.py cites the algorithms.
"""

import json
import platform
import sys
import time

import numpy as np
import sklearn

import knn
import methods


def environment():
    env = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "sklearn": sklearn.__version__,
    }
    try:
        import scipy

        env["scipy"] = scipy.__version__
    except ImportError:
        pass
    try:
        from threadpoolctl import threadpool_info

        env["threadpools"] = [
            {k: p.get(k) for k in ("internal_api", "version", "num_threads", "filepath")} for p in threadpool_info()
        ]
    except Exception as e:  # threadpoolctl is optional: report why it is missing
        env["threadpools_error"] = str(e)
    return env


def run(task):
    train_x = np.load(task["train_x"])
    train_y = np.load(task["train_y"]).astype(np.int64)
    test_x_all = np.load(task["test_x"])
    test_y_all = np.load(task["test_y"]).astype(np.int64)
    knn.check_exact(train_x, test_x_all)
    k = int(task["k"])
    c = int(task["classes"])
    train_xf = train_x.astype(np.float64)
    test_xf_all = test_x_all.astype(np.float64)
    results = []
    for m in task["methods"]:
        name = m["method"]
        rows = int(m.get("test_rows") or len(test_y_all))
        test_xf, test_y = test_xf_all[:rows], test_y_all[:rows]
        out = {"method": name, "test_rows": rows, "train_rows": len(train_y)}
        times = []
        while True:
            t0 = time.perf_counter()
            run_method(name, m, out, train_xf, train_y, test_xf, test_y, k, c, rows)
            times.append(time.perf_counter() - t0)
            if sum(times) >= float(m.get("min_seconds", 0)) or len(times) >= 20:
                break
        out["seconds"] = sorted(times)[len(times) // 2]
        out["runs"] = len(times)
        print(f"peer: {name} on {len(train_y)} × {rows}: {out['seconds']:.3f} s ({len(times)} runs)", file=sys.stderr)
        results.append(out)
    return {"environment": environment(), "results": results}


def run_method(name, m, out, train_xf, train_y, test_xf, test_y, k, c, rows):
    """Run one method once, storing its values and phase times in out."""
    if name == "knn-shapley":
        vals, ph = methods.knn_shapley(
            train_xf, train_y, test_xf, test_y, k,
            batch=int(m.get("batch", 64)),
            algorithm=m.get("algorithm", "brute"),
            recursion=m.get("recursion", "vectorised"),
        )
        out["values"], out["phases"] = vals.tolist(), ph
        out["algorithm"] = m.get("algorithm", "brute")
        out["recursion"] = m.get("recursion", "vectorised")
    elif name == "loo":
        num, ph = methods.loo(train_xf, train_y, test_xf, test_y, k, c)
        out["num"], out["den"], out["phases"] = num.tolist(), rows, ph
    elif name == "marginal":
        num, ph = methods.marginal(train_xf, train_y, test_xf, test_y, k, c)
        out["num"], out["den"], out["phases"] = num.tolist(), rows, ph
    elif name == "tmc-shapley":
        s = int(m["samples"])
        vals, rep = methods.tmc_shapley(
            train_xf, train_y, test_xf, test_y, k, c, s, int(m.get("truncation", 0)), int(m.get("seed", 1))
        )
        out["values"], out["samples"] = vals.tolist(), s
        out["phases"] = {"setup": rep["setup"], "sampling": rep["sampling"]}
        out["truncated"], out["full_utility"] = rep["truncated"], rep["full_utility"]
    elif name == "banzhaf":
        s = int(m["samples"])
        vals, rep = methods.banzhaf(train_xf, train_y, test_xf, test_y, k, c, s, int(m.get("seed", 1)))
        out["values"], out["samples"], out["phases"] = vals.tolist(), s, rep
    else:
        raise ValueError(f"unknown method {name!r}")


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        task = json.load(f)
    out = run(task)
    with open(argv[2], "w") as f:
        json.dump(out, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
