"""Viterbi decoding of a Markov language model: delta_t, a_t and the best path, from their definitions."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from grader.math import nodes as N
from grader.math.errors import Unbound
from grader.worlds import Draw, Scope, World

PUBLIC = True  # copied into self-check packs: P, delta_t(j) = max over w_{1:t-1} of p(w_{1:t-1}, w_t = j) and the
# best path by enumerating every sequence (the handout's definitions), a_t as question 2.2.c defines it; the
# recurrence of delta_t and the walk back along a_t that questions 2.2.a-c ask for are not used

BOS = 1


def _build(s: Scope) -> None:
    V, T = s.n, s.T
    P = s.rng.dirichlet(np.ones(V) * 0.7, size=V)  # rows: p(w_t = . | w_{t-1} = i)
    s.let("P", P)
    for i in range(1, V + 1):
        for j in range(1, V + 1):
            s.let("P", float(P[i - 1, j - 1]), i, j)
    # every sequence w_{1:t} with p(w_{1:t}) = prod_k P_{w_{k-1} w_k}, w_0 = <BOS> (the handout's model)
    paths: dict[int, dict[tuple[int, ...], float]] = {0: {(): 1.0}}
    for t in range(1, T + 1):
        paths[t] = {seq + (j,): P[(seq[-1] if seq else BOS) - 1, j - 1] * p
                    for seq, p in paths[t - 1].items() for j in range(1, V + 1)}
    # delta_t(j) = max_{w_{1:t-1}} p(w_{1:t-1}, w_t = j), with the handout's delta_0 = e_<BOS>
    delta = {0: np.array([1.0 if j == BOS else 0.0 for j in range(1, V + 1)])}
    for t in range(1, T + 1):
        delta[t] = np.array([max(p for seq, p in paths[t].items() if seq[-1] == j) for j in range(1, V + 1)])
    # a_t(j) = arg max_i P_ij delta_{t-1}(i), as question 2.2.c defines it
    back = {t: (P * delta[t - 1][:, None]).argmax(axis=0) + 1 for t in range(1, T + 1)}
    best_seq = max(paths[T], key=lambda seq: paths[T][seq])  # the Viterbi path: the most probable sequence
    for t, w in enumerate(best_seq, start=1):
        s.let("w^*", float(w), t)
    s.let("w", float(BOS), 0)
    s.label("<BOS>", BOS)
    s.label("BOS", BOS)

    def delta_fn(ev: Any, args: tuple[N.Node, ...], sub: tuple[N.Node, ...]) -> float:
        (t,) = ev.index_of(sub)
        j = _word(ev, args[0])
        return float(delta[int(t)][j - 1])

    def a_fn(t: int, j: float) -> float:
        return float(back[int(t)][int(j) - 1])

    known: dict[frozenset[tuple[int, int]], float] = {}  # p(events) of this instance: maxima ask again and again

    def joint(fixed: set[tuple[int, int]]) -> float:
        key = frozenset(fixed)
        if key not in known:
            known[key] = _joint(P, fixed)
        return known[key]

    def p_fn(ev: Any, args: tuple[N.Node, ...], sub: tuple[N.Node, ...]) -> float:
        if len(args) == 1 and isinstance(args[0], N.Cond):
            event = _events(ev, (args[0].a,))
            given = _events(ev, (args[0].b,))
            den = joint(given)
            return joint(event | given) / den if den > 0 else float("nan")
        return joint(_events(ev, args))

    s.fn("delta", delta_fn, raw=True)
    s.fn("a", a_fn)
    s.fn("p", p_fn, raw=True)
    s.fn("P", p_fn, raw=True)
    s.free_index("t", range(2, min(T, 4) + 1))
    s.free_index("T", (T,))
    s.free_index("j", range(1, V + 1))
    for name in ("i", "j", "w", "k"):
        s.index_range(name, 1, V)


def _word(ev: Any, node: N.Node) -> int:
    if isinstance(node, N.Relation):  # delta_t(w_t = j)
        node = node.rhs
    return round(float(ev.ev(node)))


def _events(ev: Any, nodes: tuple[N.Node, ...]) -> set[tuple[int, int]]:
    """Positions and words an argument list fixes: w_t = j, w_{t-1} (bound), w_{1:t-1} (bound)."""
    out: set[tuple[int, int]] = set()
    for node in nodes:
        if isinstance(node, N.TupleN):
            out |= _events(ev, node.items)
            continue
        if isinstance(node, N.Relation) and node.op == "=":
            (pos,) = ev.index_of(node.lhs.sub)
            out.add((int(pos), _word(ev, node.rhs)))
            continue
        if isinstance(node, N.Sym) and node.sub and isinstance(node.sub[0], N.Range):
            lo, hi = int(ev.ev(node.sub[0].lo)), int(ev.ev(node.sub[0].hi))
            if node.bold and node.name in ("0", "1"):  # the bold 0 and 1 are numbers, not words
                for k in range(lo, hi + 1):
                    out.add((k, _word(ev, N.Sym(node.name, node.bold, (N.Num(Fraction(k), str(k)),)))))
                continue
            name = ev.alias(node.name)  # w_k at each position: the symbol's value, without building w_k's tree
            for k in range(lo, hi + 1):
                out.add((k, round(float(ev.symbol(name, (k,))))))
            continue
        if isinstance(node, N.Sym) and node.sub:
            (pos,) = ev.index_of(node.sub)
            out.add((int(pos), _word(ev, node)))
            continue
        raise Unbound("p", "an event p() does not read")
    return out


def _joint(P: np.ndarray, fixed: set[tuple[int, int]]) -> float:
    """p(fixed words at fixed positions), the chain starting at <BOS> at position 0."""
    if not fixed:
        return 1.0
    positions: dict[int, int] = {}
    for pos, word in fixed:
        if positions.get(pos, word) != word:
            return 0.0
        positions[pos] = word
    dist = np.zeros(P.shape[0])
    dist[BOS - 1] = 1.0
    if 0 in positions and positions[0] != BOS:
        return 0.0
    for k in range(1, max(positions) + 1):
        dist = dist @ P
        if k in positions:
            keep = np.zeros_like(dist)
            keep[positions[k] - 1] = dist[positions[k] - 1]
            dist = keep
    return float(dist.sum())


markov = World("viterbi-markov", _build,
               tuple(Draw(seed=90 + k, size=n, horizon=T) for k, (n, T) in enumerate(((3, 4), (4, 3), (3, 4)))),
               description="P row-stochastic, w_0 = <BOS> = 1, delta_0 = e_BOS, Viterbi path w^*")
