"""The valuation methods of Merit's engine, written the way a NumPy / scikit-learn user would.

Every method values the training rows for the utility Merit uses: the test accuracy of a
k-nearest-neighbour classifier (knn.py gives its exact rules), except KNN-Shapley, whose
utility is the paper's soft one (the fraction of the K nearest labels that are correct).

Algorithms (each written here from the papers, not copied from any library):

* KNN-Shapley — R. Jia, D. Dao, B. Wang, F. A. Hubis, N. M. Gürel, B. Li, C. Zhang, C. J.
  Spanos, D. Song, "Efficient Task-Specific Data Valuation for Nearest Neighbor Algorithms",
  PVLDB 12(11), 2019, Theorem 1. Computed as pyDVL computes it (pydvl.value.shapley.knn,
  https://github.com/aai-institute/pyDVL): scikit-learn's NearestNeighbors orders every
  training row by distance to each test row (kneighbors with n_neighbors = N), then the
  recursion runs from the farthest row to the nearest. pyDVL runs the recursion as a Python
  loop per test row ("loop" here); "vectorised" runs it for a batch of test rows at once
  with NumPy (a reverse cumulative sum), which is much faster.
* Leave-one-out: U(all) − U(all without row i), with the K + 1 nearest rows of each test
  row (removing row i only changes the test rows that have i among their K nearest, and
  their new K nearest are the old K + 1 without i) — the algorithm of Merit's LeaveOneOut.
* Sequential marginal scores: U(first i + 1 rows) − U(first i rows), with the incremental
  tracker of knn.py.
* Truncated Monte Carlo permutation Shapley — A. Ghorbani, J. Zou, "Data Shapley: Equitable
  Valuation of Data for Machine Learning", ICML 2019 (TMC-Shapley): marginal scores along
  random permutations, a permutation's remaining rows getting 0 once |U(all) − U(prefix)|
  is below the tolerance (in test rows).
* Data Banzhaf with maximum sample reuse — J. T. Wang, R. Jia, "Data Banzhaf: A Robust
  Data Valuation Framework for Machine Learning", AISTATS 2023 (MSR): uniform random
  subsets, value = mean utility of the subsets with the row − mean utility without it.

The sampled methods draw from NumPy's generator, not Merit's, so their values cannot match
Merit's bit for bit; their cost per sample is what compares.
"""

import time

import numpy as np
from sklearn.neighbors import NearestNeighbors

import knn


def _timer():
    return time.perf_counter()


def knn_shapley(train_xf, train_y, test_xf, test_y, k, batch=64, algorithm="brute", recursion="vectorised"):
    """KNN-Shapley values (float64, units of test accuracy) and phase times in seconds."""
    n, t = len(train_y), len(test_y)
    ph = {"fit": 0.0, "kneighbors": 0.0, "ties": 0.0, "recursion": 0.0}
    t0 = _timer()
    nn = NearestNeighbors(n_neighbors=n, algorithm=algorithm).fit(train_xf)
    ph["fit"] = _timer() - t0
    # w[p] = 1 / max(K, p + 1): the weight of sorted position p + 1.
    w = 1.0 / np.maximum(k, np.arange(1, n + 1)).astype(np.float64)
    res = np.zeros(n)
    for a in range(0, t, batch):
        b = min(a + batch, t)
        t0 = _timer()
        dist, ind = nn.kneighbors(test_xf[a:b])  # every training row, nearest first
        t1 = _timer()
        # scikit-learn orders equal distances arbitrarily; Merit's order is (distance, index).
        d2 = np.rint(dist * dist).astype(np.int64)
        ind, _ = knn.order_by_key(d2, ind, n)
        t2 = _timer()
        if recursion == "loop":
            for row in range(b - a):
                res += _recursion_loop(ind[row], train_y, int(test_y[a + row]), k, n)
        else:
            c = (train_y[ind] == test_y[a:b, None]).astype(np.float64)
            s = np.empty_like(c)
            s[:, -1] = c[:, -1] * w[-1]
            if n > 1:
                d = (c[:, :-1] - c[:, 1:]) * w[:-1]
                s[:, :-1] = np.cumsum(d[:, ::-1], axis=1)[:, ::-1] + s[:, -1:]
            res += np.bincount(ind.ravel(), weights=s.ravel(), minlength=n)
        t3 = _timer()
        ph["kneighbors"] += t1 - t0
        ph["ties"] += t2 - t1
        ph["recursion"] += t3 - t2
    return res / t, ph


def _recursion_loop(order, train_y, y, k, n):
    """One test row's Shapley values by the recursion in a Python loop (pyDVL's way)."""
    values = np.zeros(n)
    cur = order[n - 1]
    values[cur] = float(train_y[cur] == y) / max(k, n)
    for i in range(n - 1, 0, -1):
        prev, cur = cur, order[i - 1]
        values[cur] = values[prev] + (float(train_y[cur] == y) - float(train_y[prev] == y)) / max(k, i)
    return values


def loo(train_xf, train_y, test_xf, test_y, k, n_classes, batch=1024):
    """Leave-one-out numerators (int64; the values are num / T) and phase times."""
    n, t = len(train_y), len(test_y)
    ph = {"fit": 0.0, "kneighbors": 0.0, "votes": 0.0}
    t0 = _timer()
    nn = NearestNeighbors(n_neighbors=min(k + 1, n), algorithm="brute").fit(train_xf)
    ph["fit"] = _timer() - t0
    num = np.zeros(n, dtype=np.int64)
    m = min(k + 1, n)
    for a in range(0, t, batch):
        b = min(a + batch, t)
        t0 = _timer()
        ind, _ = knn.kneighbors_exact(nn, test_xf[a:b], m, n)
        t1 = _timer()
        labels = train_y[ind]
        y = test_y[a:b]
        full = knn.vote(labels[:, : min(k, m)], n_classes) == y
        for j in range(min(k, m)):
            without = np.delete(labels, j, axis=1)[:, : min(k, m - 1)]
            diff = full.astype(np.int64) - (knn.vote(without, n_classes) == y)
            num += np.bincount(ind[:, j], weights=diff, minlength=n).astype(np.int64)
        ph["kneighbors"] += t1 - t0
        ph["votes"] += _timer() - t1
    return num, ph


def marginal(train_xf, train_y, test_xf, test_y, k, n_classes, block=1024):
    """Sequential marginal scores (int64 numerators; values are num / T) and phase times."""
    n = len(train_y)
    ph = {"distances": 0.0, "updates": 0.0}
    tr = knn.Tracker(test_y, k, n_classes, n)
    num = np.zeros(n, dtype=np.int64)
    prev = tr.count
    for a in range(0, n, block):
        b = min(a + block, n)
        t0 = _timer()
        d2 = np.ascontiguousarray(knn.sqdist(test_xf, train_xf[a:b]).T)  # one row per contribution
        t1 = _timer()
        for i in range(a, b):
            cur = tr.add(d2[i - a], int(train_y[i]))
            num[i] = cur - prev
            prev = cur
        ph["distances"] += t1 - t0
        ph["updates"] += _timer() - t1
    return num, ph


def _full_keys(train_xf, test_xf, n):
    """Keys d2 * n + index of every (test, training) pair: T × n int64."""
    d2 = knn.sqdist(test_xf, train_xf)
    if not knn.keys_fit(int(d2.max(initial=0)), n):
        raise ValueError("distances too large for int64 keys")
    return d2, d2 * n + np.arange(n)


def tmc_shapley(train_xf, train_y, test_xf, test_y, k, n_classes, samples, truncation, seed):
    """Truncated Monte Carlo Shapley values (float64) and a report."""
    n, t = len(train_y), len(test_y)
    t0 = _timer()
    d2, keys = _full_keys(train_xf, test_xf, n)
    d2t = np.ascontiguousarray(d2.T)  # one row per training row
    full = int((knn.predict_keys(keys, train_y, k, n_classes) == test_y).sum())
    setup = _timer() - t0
    rng = np.random.default_rng(seed)
    total = np.zeros(n, dtype=np.int64)
    truncated = 0
    t0 = _timer()
    for _ in range(samples):
        perm = rng.permutation(n)
        tr = knn.Tracker(test_y, k, n_classes, n)
        u = tr.count
        for pos, i in enumerate(perm):
            if truncation > 0 and abs(full - u) < truncation:
                truncated += n - pos
                break
            nu = tr.add(d2t[i], int(train_y[i]))
            total[i] += nu - u
            u = nu
    sampling = _timer() - t0
    return total / (samples * t), {"setup": setup, "sampling": sampling, "truncated": truncated, "full_utility": full}


def banzhaf(train_xf, train_y, test_xf, test_y, k, n_classes, samples, seed):
    """Data Banzhaf (MSR) values (float64) and a report."""
    n, t = len(train_y), len(test_y)
    t0 = _timer()
    _, keys = _full_keys(train_xf, test_xf, n)
    setup = _timer() - t0
    rng = np.random.default_rng(seed)
    in_sum = np.zeros(n)
    in_cnt = np.zeros(n, dtype=np.int64)
    total = 0.0
    t0 = _timer()
    for _ in range(samples):
        mask = rng.random(n) < 0.5
        cols = np.nonzero(mask)[0]
        u = float((knn.predict_keys(keys[:, cols], train_y[cols], k, n_classes) == test_y).sum())
        in_sum[mask] += u
        in_cnt[mask] += 1
        total += u
    sampling = _timer() - t0
    out_cnt = samples - in_cnt
    out_sum = total - in_sum
    vals = np.zeros(n)
    ok = (in_cnt > 0) & (out_cnt > 0)
    vals[ok] = (in_sum[ok] / in_cnt[ok] - out_sum[ok] / out_cnt[ok]) / t
    return vals, {"setup": setup, "sampling": sampling}
