"""The pairing's compiled kernels (numba, cached on disk): the candidate graph and the matching on it.

Plain arrays in, plain arrays out. `workers.pairing` is the interface; these are its inner loops.

The matching is found in three steps on the sparse candidate graph (each player linked to their nearest
neighbours in rating):

1. greedy: the candidate pairs by weight, heaviest first, each taken when both players are still free;
2. maximum cardinality: Edmonds' augmenting paths (with blossoms) from every free player, so the matching
   reaches the greatest number of pairs the candidate graph allows (Berge: none is left once no free
   player has an augmenting path; a player whose search fails cannot gain one later, and the players of its
   search tree can be left out of later searches);
3. weight: local exchanges that keep the number of pairs and raise the total weight, until none is left:
   two pairs swapping partners (alternating 4-cycles), three pairs rotating (6-cycles), and a free player
   taking the place of a matched one (alternating paths of 2 and 4 pairs from a free player).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

F = TypeVar("F", bound=Callable[..., Any])

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]

# A gain smaller than this is taken for none (weights are sums of a few floats).
EPS = 1e-9
# Local-improvement sweeps over all players, at most (each sweep is linear; they stop when one finds nothing).
MAX_SWEEPS = 60
SIX = True


def _compiled(f: F) -> F:
    return cast(F, numba.njit(cache=True, nogil=True)(f))


# --- The candidate graph -------------------------------------------------------------------------------


@_compiled
def candidate_edges(
    k: int,
    same_list: bool,
    x_seeker: Ints,
    x_race: Ints,
    x_rating: Floats,
    y_seeker: Ints,
    y_race: Ints,
    y_rating: Floats,
    x_place: Ints,
    y_place: Ints,
    window: Floats,
    waited: Floats,
    player: Ints,
    last: Ints,
    wait_weight: float,
    gap_weight: float,
    rematch_penalty: float,
    gap_unit: float,
) -> tuple[Ints, Ints, Ints, Ints, Floats, Floats]:
    """Eligible pairs (a < b) among each slot's k nearest slots of the other side in rating, each in its best
    race assignment: a, b, the race index each plays, the weight, and its cost (the penalties in it: squared
    gap, rematch). `x_place[s]`: how many y slots come
    before x slot s in rating order (and `y_place` the other way); with `same_list`, x and y are one list."""
    n = len(window)
    nx, ny = len(x_seeker), len(y_seeker)
    cap = nx * k if same_list else 2 * k * (nx + ny)
    ra = np.empty(cap, np.int64)
    rb = np.empty(cap, np.int64)
    rra = np.empty(cap, np.int64)
    rrb = np.empty(cap, np.int64)
    rw = np.empty(cap, np.float64)
    rc = np.empty(cap, np.float64)
    m = 0
    for direction in range(1 if same_list else 2):
        if direction == 0:
            s_seeker, s_race, s_rating, place = x_seeker, x_race, x_rating, x_place
            t_seeker, t_race, t_rating = y_seeker, y_race, y_rating
        else:
            s_seeker, s_race, s_rating, place = y_seeker, y_race, y_rating, y_place
            t_seeker, t_race, t_rating = x_seeker, x_race, x_rating
        nt = len(t_seeker)
        for s in range(len(s_seeker)):
            if same_list:
                lo, hi = s + 1, min(s + k + 1, nt)
            else:
                lo, hi = max(place[s] - k, 0), min(place[s] + k, nt)
            a = s_seeker[s]
            for t in range(lo, hi):
                b = t_seeker[t]
                if a == b:
                    continue
                gap = abs(s_rating[s] - t_rating[t])
                if gap > max(window[a], window[b]):
                    continue
                cost = gap_weight * (gap / gap_unit) ** 2
                if last[a] == player[b] or last[b] == player[a]:
                    cost += rematch_penalty
                weight = wait_weight * (waited[a] + waited[b]) - cost
                if a < b:
                    ra[m], rb[m], rra[m], rrb[m] = a, b, s_race[s], t_race[t]
                else:
                    ra[m], rb[m], rra[m], rrb[m] = b, a, t_race[t], s_race[s]
                rw[m] = weight
                rc[m] = cost
                m += 1
    # Group by the lower end (counting sort), then keep each pair once, in its heaviest assignment.
    count = np.zeros(n + 1, np.int64)
    for e in range(m):
        count[ra[e] + 1] += 1
    for v in range(n):
        count[v + 1] += count[v]
    fill = count[:n].copy()
    by_a = np.empty(m, np.int64)
    for e in range(m):
        by_a[fill[ra[e]]] = e
        fill[ra[e]] += 1
    out_a = np.empty(m, np.int64)
    out_b = np.empty(m, np.int64)
    out_ra = np.empty(m, np.int64)
    out_rb = np.empty(m, np.int64)
    out_w = np.empty(m, np.float64)
    out_c = np.empty(m, np.float64)
    q = 0
    for v in range(n):
        lo, hi = count[v], count[v + 1]
        # Insertion sort of the row by the other end (rows are short).
        for x in range(lo + 1, hi):
            e = by_a[x]
            y = x - 1
            while y >= lo and rb[by_a[y]] > rb[e]:
                by_a[y + 1] = by_a[y]
                y -= 1
            by_a[y + 1] = e
        x = lo
        while x < hi:
            best = by_a[x]
            y = x + 1
            while y < hi and rb[by_a[y]] == rb[best]:
                if rw[by_a[y]] > rw[best]:
                    best = by_a[y]
                y += 1
            out_a[q], out_b[q], out_ra[q], out_rb[q] = ra[best], rb[best], rra[best], rrb[best]
            out_w[q], out_c[q] = rw[best], rc[best]
            q += 1
            x = y
    return out_a[:q], out_b[:q], out_ra[:q], out_rb[:q], out_w[:q], out_c[:q]


# --- The matching -------------------------------------------------------------------------------------------


@_compiled
def incidence(n: int, ea: Ints, eb: Ints) -> tuple[Ints, Ints, Ints]:
    """Each player's neighbours and the edges to them, in rows sorted by neighbour (edges sorted by (a, b))."""
    start = np.zeros(n + 1, np.int64)
    for e in range(len(ea)):
        start[ea[e] + 1] += 1
        start[eb[e] + 1] += 1
    for v in range(n):
        start[v + 1] += start[v]
    fill = start[:n].copy()
    nbr = np.empty(2 * len(ea), np.int64)
    eid = np.empty(2 * len(ea), np.int64)
    # Edges come sorted by (a, b), a < b: every row receives its lower neighbours (as b) before its higher
    # ones (as a), each in increasing order, so rows come out sorted.
    for e in range(len(ea)):
        a, b = ea[e], eb[e]
        nbr[fill[a]], eid[fill[a]] = b, e
        fill[a] += 1
        nbr[fill[b]], eid[fill[b]] = a, e
        fill[b] += 1
    return start, nbr, eid


@_compiled
def _edge(start: Ints, nbr: Ints, eid: Ints, u: int, v: int) -> int:
    """The edge between u and v, or -1 (binary search in u's sorted row)."""
    lo, hi = start[u], start[u + 1]
    while lo < hi:
        mid = (lo + hi) >> 1
        if nbr[mid] < v:
            lo = mid + 1
        else:
            hi = mid
    if lo < start[u + 1] and nbr[lo] == v:
        return int(eid[lo])
    return -1


@_compiled
def max_matching(n: int, ea: Ints, eb: Ints, w: Floats, cost: Floats, start: Ints, nbr: Ints, eid: Ints) -> Ints:
    """Each player's matched edge (-1 when free): maximum cardinality, then locally maximal weight. `cost` is
    the part of each weight that is not the players' own (the waiting): an exchange among the same players
    gains exactly the cost it saves."""
    mate = np.full(n, -1, np.int64)
    medge = np.full(n, -1, np.int64)
    for e in np.argsort(-w, kind="mergesort"):
        a, b = ea[e], eb[e]
        if mate[a] < 0 and mate[b] < 0:
            mate[a], mate[b] = b, a
            medge[a], medge[b] = e, e
    _augment_all(n, start, nbr, mate)
    for v in range(n):
        medge[v] = -1 if mate[v] < 0 else _edge(start, nbr, eid, v, mate[v])
    _improve(n, w, cost, start, nbr, eid, mate, medge)
    return medge


@_compiled
def _find(base: Ints, x: int) -> int:
    """The base of the blossom x is in (union-find with path halving)."""
    while base[x] != x:
        base[x] = base[base[x]]
        x = base[x]
    return x


@_compiled
def _augment_all(n: int, start: Ints, nbr: Ints, mate: Ints) -> None:
    """Edmonds' algorithm from each free player in turn. Blossoms are merged with union-find and every reset
    is lazy, so a search costs in proportion to the tree it grows, not to the pool."""
    parent = np.full(n, -1, np.int64)
    base = np.arange(n)
    used = np.zeros(n, np.int64)
    mark = np.zeros(n, np.int64)
    dead = np.zeros(n, np.bool_)
    queue = np.empty(n + 1, np.int64)
    touched = np.empty(2 * n + 2, np.int64)
    merged = np.empty(2 * n + 2, np.int64)
    stamp = 0
    lstamp = 0
    for root in range(n):
        if mate[root] >= 0 or dead[root] or start[root] == start[root + 1]:
            continue
        stamp += 1
        used[root] = stamp
        queue[0] = root
        qh, qt = 0, 1
        touched[0] = root
        nt = 1
        found = -1
        while qh < qt and found < 0:
            v = queue[qh]
            qh += 1
            for pos in range(start[v], start[v + 1]):
                to = nbr[pos]
                if dead[to] or mate[v] == to:
                    continue
                bv, bt = _find(base, v), _find(base, to)
                if bv == bt:
                    continue
                if to == root or (mate[to] >= 0 and parent[mate[to]] >= 0):
                    # An odd cycle: contract the blossom onto its base (the lowest common ancestor).
                    lstamp += 1
                    a = bv
                    while True:
                        mark[a] = lstamp
                        if mate[a] < 0:
                            break
                        a = _find(base, parent[mate[a]])
                    cur = bt
                    while mark[cur] != lstamp:
                        cur = _find(base, parent[mate[cur]])
                    nm = 0
                    for side in range(2):
                        x, child = (v, to) if side == 0 else (to, v)
                        while _find(base, x) != cur:
                            y = mate[x]
                            merged[nm] = _find(base, x)
                            merged[nm + 1] = _find(base, y)
                            nm += 2
                            parent[x] = child
                            child = y
                            if used[y] != stamp:  # an odd player becomes even: its edges are explored
                                used[y] = stamp
                                queue[qt] = y
                                qt += 1
                            x = parent[y]
                    for t in range(nm):
                        base[merged[t]] = cur
                elif parent[to] < 0:
                    parent[to] = v
                    touched[nt] = to
                    nt += 1
                    if mate[to] < 0:
                        found = to
                        break
                    to2 = mate[to]
                    used[to2] = stamp
                    touched[nt] = to2
                    nt += 1
                    queue[qt] = to2
                    qt += 1
        if found >= 0:
            x = found
            while x >= 0:
                px = parent[x]
                nxt = mate[px]
                mate[x] = px
                mate[px] = x
                x = nxt
        for t in range(nt):
            i = touched[t]
            parent[i] = -1
            base[i] = i
            if found < 0:
                dead[i] = True


@_compiled
def _improve(n: int, w: Floats, cost: Floats, start: Ints, nbr: Ints, eid: Ints, mate: Ints, medge: Ints) -> int:
    """Exchanges that keep the number of pairs and raise the weight, best first per player, until none.
    Returns the number of sweeps."""
    sweeps = 0
    for _ in range(MAX_SWEEPS):
        sweeps += 1
        changed = 0
        for a in range(n):
            if mate[a] < 0:
                changed += _improve_free(a, w, start, nbr, eid, mate, medge)
            else:
                changed += _improve_pair(a, cost, start, nbr, eid, mate, medge)
        if changed == 0:
            break
    return sweeps


@_compiled
def _pair(a: int, b: int, e: int, mate: Ints, medge: Ints) -> None:
    mate[a], mate[b] = b, a
    medge[a], medge[b] = e, e


@_compiled
def _improve_free(u: int, w: Floats, start: Ints, nbr: Ints, eid: Ints, mate: Ints, medge: Ints) -> int:
    """Free u takes matched v from x (x freed), or also x takes y from z (z freed): the best such move."""
    best = EPS
    bv, bx, by = -1, -1, -1
    for pv in range(start[u], start[u + 1]):
        v = nbr[pv]
        x = mate[v]
        if x < 0:
            _pair(u, v, eid[pv], mate, medge)  # an augmenting edge (not expected after Edmonds)
            return 1
        g2 = w[eid[pv]] - w[medge[v]]
        if g2 > best:
            best, bv, bx, by = g2, v, x, -1
        for px in range(start[x], start[x + 1]):
            y = nbr[px]
            if y == v or y == u:
                continue
            z = mate[y]
            if z < 0:
                continue
            g4 = g2 + w[eid[px]] - w[medge[y]]
            if g4 > best:
                best, bv, bx, by = g4, v, x, y
    if bv < 0:
        return 0
    if by >= 0:
        z = mate[by]
        mate[z] = -1
        medge[z] = -1
        _pair(bx, by, _edge(start, nbr, eid, bx, by), mate, medge)
    else:
        mate[bx] = -1
        medge[bx] = -1
    _pair(u, bv, _edge(start, nbr, eid, u, bv), mate, medge)
    return 1


@_compiled
def _improve_pair(a: int, cost: Floats, start: Ints, nbr: Ints, eid: Ints, mate: Ints, medge: Ints) -> int:
    """Pair (a, b) exchanges partners with (c, d) -> (a, c), (b, d), or rotates with two pairs (c, d), (f, g)
    -> (a, c), (d, f), (g, b): the best such move. The players stay the same, so the gain is the cost saved.

    Only cycles in which (a, b) costs the most of the old pairs are looked at from here: every cycle has such
    a pair, and it is looked at from both its players, so each cycle is still seen, and the rest prune."""
    b = mate[a]
    cab = cost[medge[a]]
    best = EPS
    bc, bf = -1, -1
    for pc in range(start[a], start[a + 1]):
        c = nbr[pc]
        d = mate[c]
        if c == b or d < 0:
            continue
        ccd = cost[medge[c]]
        if ccd > cab:
            continue
        g = cab + ccd - cost[eid[pc]]
        if g + cab <= best:  # nothing left to gain: a third old pair saves at most cab
            continue
        if g > best:
            e_bd = _edge(start, nbr, eid, b, d)
            if e_bd >= 0 and g - cost[e_bd] > best:
                best, bc, bf = g - cost[e_bd], c, -1
        if not SIX:
            continue
        for pd in range(start[d], start[d + 1]):
            f = nbr[pd]
            gg = mate[f]
            if f == c or gg < 0 or f == a or f == b:
                continue
            cfg = cost[medge[f]]
            if cfg > cab:
                continue
            g6 = g + cfg - cost[eid[pd]]
            if g6 <= best:
                continue
            e_gb = _edge(start, nbr, eid, gg, b)
            if e_gb >= 0 and g6 - cost[e_gb] > best:
                best, bc, bf = g6 - cost[e_gb], c, f
    if bc < 0:
        return 0
    d = mate[bc]
    if bf < 0:
        _pair(a, bc, _edge(start, nbr, eid, a, bc), mate, medge)
        _pair(b, d, _edge(start, nbr, eid, b, d), mate, medge)
    else:
        gg = mate[bf]
        _pair(a, bc, _edge(start, nbr, eid, a, bc), mate, medge)
        _pair(d, bf, _edge(start, nbr, eid, d, bf), mate, medge)
        _pair(gg, b, _edge(start, nbr, eid, gg, b), mate, medge)
    return 1
