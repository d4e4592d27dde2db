"""Exact k-nearest-neighbour building blocks in NumPy and scikit-learn, with Merit's rules.

The peer must compute the same numbers as Merit's integer engine, so it follows the rules of
docs/MODELS.md (k-nearest neighbours) exactly:

* neighbours are ordered by (squared Euclidean distance, row index): a tie in distance goes to
  the lower index (for a model, the row added first);
* the predicted class is the one with the most votes among the K nearest (all stored rows if
  fewer); a tie between classes goes to the tied class whose nearest member comes first;
* a model with no rows predicts class 0.

The features are Merit's integers. Every squared distance is computed in float64 (by
scikit-learn, through BLAS) and is exact, because every partial sum is an integer below 2**53
(`check_exact` enforces D·(2B)² < 2**53 for features |x| ≤ B). A distance and an index are
packed into one int64 key `d2 * n + index`, so that sorting keys sorts by (distance, index).
"""

import numpy as np
from sklearn.metrics.pairwise import euclidean_distances

# Keys are d2 * n + index; they must stay below 2**63.
_KEY_LIMIT = 2**63 - 1


def check_exact(train_x, test_x):
    """Raise ValueError unless float64 distances of these integer rows are exact."""
    b = int(max(np.abs(train_x).max(initial=0), np.abs(test_x).max(initial=0)))
    d = train_x.shape[1]
    if d * (2 * b) ** 2 >= 2**53:
        raise ValueError(f"D·(2B)² = {d}·(2·{b})² ≥ 2**53: float64 distances would not be exact")


def max_sqdist(train_x, test_x):
    """An upper bound of every squared distance between the two sets: Σ_f (span of f)²."""
    lo = np.minimum(train_x.min(axis=0), test_x.min(axis=0)).astype(np.int64)
    hi = np.maximum(train_x.max(axis=0), test_x.max(axis=0)).astype(np.int64)
    return int(((hi - lo) ** 2).sum())


def sqdist(test_xf, train_xf):
    """Exact squared distances (T × N int64) from float64 copies of integer rows."""
    d = euclidean_distances(test_xf, train_xf, squared=True)
    return np.rint(d).astype(np.int64)


def keys_fit(max_d2, n):
    """Whether keys d2 * n + index fit in int64 for these bounds."""
    return max_d2 * n + n <= _KEY_LIMIT


def order_by_key(d2, ind, n):
    """Sort each row of (d2, ind) by (distance, index); returns (ind, d2) sorted.

    d2 and ind are (B × m) arrays; rows are already sorted by distance (as scikit-learn's
    kneighbors returns them) but ties are in no particular order. Timsort ("stable") is
    close to linear on such nearly sorted rows.
    """
    if keys_fit(int(d2.max(initial=0)), n):
        key = d2 * n + ind
        key.sort(axis=1, kind="stable")
        return key % n, key // n
    order = np.lexsort((ind, d2), axis=1)
    return np.take_along_axis(ind, order, axis=1), np.take_along_axis(d2, order, axis=1)


def kneighbors_exact(nn, test_xf, m, n):
    """The m nearest training rows of each test row by (distance, index), exactly.

    nn is a fitted sklearn.neighbors.NearestNeighbors over n training rows. scikit-learn
    breaks distance ties arbitrarily, so more neighbours than needed are asked for and
    re-ordered by (distance, index); a row whose m-th distance ties with the last one
    returned is redone with every training row.
    Returns (ind, d2): int64 arrays of shape (len(test_xf), m).
    """
    m = min(m, n)
    if m == 0:
        z = np.zeros((len(test_xf), 0), dtype=np.int64)
        return z, z
    extra = n if m == n else min(n, m + 16)
    dist, ind = nn.kneighbors(test_xf, n_neighbors=extra)
    d2 = np.rint(dist * dist).astype(np.int64)
    if extra < n:
        redo = np.nonzero(d2[:, m - 1] >= d2[:, -1])[0]
        if len(redo):
            dist_r, ind_r = nn.kneighbors(test_xf[redo], n_neighbors=n)
            d2_r = np.rint(dist_r * dist_r).astype(np.int64)
            ind_r, d2_r = order_by_key(d2_r, ind_r, n)
            ind_full, d2_full = order_by_key(d2, ind, n)
            ind_full[redo], d2_full[redo] = ind_r[:, :extra], d2_r[:, :extra]
            return ind_full[:, :m], d2_full[:, :m]
    ind, d2 = order_by_key(d2, ind, n)
    return ind[:, :m], d2[:, :m]


def vote(labels, n_classes):
    """Merit's KNN vote for each row of labels (T × m, nearest first); class 0 if m = 0."""
    t, m = labels.shape
    if m == 0:
        return np.zeros(t, dtype=np.int64)
    counts = np.zeros((t, n_classes), dtype=np.int32)
    rows = np.arange(t)
    for j in range(m):
        counts[rows, labels[:, j]] += 1
    per = np.take_along_axis(counts, labels, axis=1)  # votes of each neighbour's class
    first = np.argmax(per == per.max(axis=1, keepdims=True), axis=1)
    return labels[rows, first]


def predict_keys(keys, labels_of_column, k, n_classes):
    """Predictions of a model whose stored rows are the columns of keys (T × n int64)."""
    n = keys.shape[1]
    m = min(k, n)
    if m == 0:
        return np.zeros(keys.shape[0], dtype=np.int64)
    if m < n:
        part = np.argpartition(keys, m - 1, axis=1)[:, :m]
    else:
        part = np.broadcast_to(np.arange(n), keys.shape)
    sel = np.take_along_axis(keys, part, axis=1)
    order = np.argsort(sel, axis=1)
    cols = np.take_along_axis(part, order, axis=1)
    return vote(labels_of_column[cols], n_classes)


class Tracker:
    """A KNN model (K, classes) growing one row at a time, with its test-set score.

    The state per test row is its K nearest rows so far, as keys d2 * n_max + position,
    sorted; a new row (its distances to every test row given) enters a test row's list
    only if it is strictly nearer than the K-th (it has the highest position, so it loses
    ties), and only those rows re-vote. This is the same incremental algorithm as Merit's
    KNN tracker (docs/VALUATION.md, incremental trackers), vectorised over the test rows.
    """

    _EMPTY = np.iinfo(np.int64).max

    def __init__(self, test_y, k, n_classes, n_max):
        self.test_y = test_y
        self.k = k
        self.c = n_classes
        self.n_max = n_max
        t = len(test_y)
        self.keys = np.full((t, k), self._EMPTY, dtype=np.int64)
        self.labels = np.zeros((t, k), dtype=np.int64)
        self.added = 0
        self.correct = test_y == 0  # the empty model predicts class 0
        self.count = int(self.correct.sum())

    def add(self, d2_col, label):
        """Add a row with these squared distances to the test rows; return the new count."""
        key = d2_col * self.n_max + self.added
        self.added += 1
        hit = np.nonzero(key < self.keys[:, -1])[0]
        if len(hit) == 0:
            return self.count
        ks = self.keys[hit]
        ls = self.labels[hit]
        ks[:, -1] = key[hit]
        ls[:, -1] = label
        if self.k > 1:
            order = np.argsort(ks, axis=1)
            ks = np.take_along_axis(ks, order, axis=1)
            ls = np.take_along_axis(ls, order, axis=1)
        self.keys[hit] = ks
        self.labels[hit] = ls
        m = min(self.k, self.added)
        now = vote(ls[:, :m], self.c) == self.test_y[hit]
        self.count += int(now.sum()) - int(self.correct[hit].sum())
        self.correct[hit] = now
        return self.count
