"""The pairing's compiled kernels (numba, cached on disk): the candidate graph and the matching on it.

Plain arrays in, plain arrays out; `workers.pairing` is the interface and these are its inner loops. Players
are numbered in rating order, so that neighbours in rating sit near each other in memory.

The matching, on the sparse candidate graph (each player linked to their nearest neighbours in rating):

1. greedy: in rating order, each free player takes the free neighbour it costs least to play;
2. maximum cardinality: Edmonds' algorithm with a forest (alternating trees grow from every free player at
   once, many augmenting paths per scan of the graph) until no augmenting path is left (Berge);
3. weight, on pools up to `workers.pairing.FULL_SEARCH_LIMIT`: exchanges that keep the number of pairs and
   raise the total weight, in rounds until a round finds none: two pairs swapping partners, a free player
   taking a matched one's place, and improving alternating cycles and paths of any length, found as longest
   paths in an exchange graph (`_cancel`). For a bipartite graph (everyone keeps the side they play) this is
   the exact optimality condition; a player who can play either side makes the graph non-bipartite, where
   the search is a heuristic (no blossoms), measured against the exact optimum in the tests and the bench.
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
# Rounds of exchange-graph searches (each applies every disjoint improvement it finds), at most.
MAX_ROUNDS = 50
# Label-correcting sweeps of one exchange-graph search, at most.
LABEL_SWEEPS = 60
# Fresh starts of one exchange-graph search (after an exchange is applied or a node blocked), at most.
MAX_STARTS = 400
# A label is raised only by more than this: smaller gains are not worth the sweeps they cost. Weights are in
# units of (gap / 100)^2: 1e-4 is a squared gap of 100. With no waiting reward (the shipped policy) the
# weights are the gaps' costs alone, a few thousandths a pair on a large pool; 1e-2 left the search blind to
# most exchanges there (2.5% short of the exact optimum on 2,000 players; 0.004% with this step).
LABEL_STEP = 1e-4


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
    reward: Floats,
    player: Ints,
    last: Ints,
    wait_weight: float,
    gap_weight: float,
    rematch_penalty: float,
    gap_unit: float,
) -> tuple[Ints, Ints, Ints, Ints, Floats, Floats, Ints]:
    """Eligible pairs (a < b) among each slot's k nearest slots of the other side in rating, each in its best
    race assignment: a, b, the race index each plays, the weight, and its cost (the penalties in it: squared
    gap, rematch), and the role a plays in it (0 or 1): on a ladder with sides, the side of a's race; without,
    the parity of a's place in rating order (pairs of neighbours in rating have one of each), -1 when both
    places have the same parity. `x_place[s]`: how many y slots come
    before x slot s in rating order (and `y_place` the other way); with `same_list`, x and y are one list.
    `reward[v]`: what player v's waiting adds to a pair's weight, before `wait_weight`."""
    n = len(window)
    nx, ny = len(x_seeker), len(y_seeker)
    cap = nx * k if same_list else 2 * k * (nx + ny)
    ra = np.empty(cap, np.int64)
    rb = np.empty(cap, np.int64)
    rra = np.empty(cap, np.int64)
    rrb = np.empty(cap, np.int64)
    rw = np.empty(cap, np.float64)
    rc = np.empty(cap, np.float64)
    rrole = np.empty(cap, np.int64)
    count = np.zeros(n + 1, np.int64)
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
                if direction == 1 and x_place[t] - k <= s < x_place[t] + k:
                    continue  # the first direction had this pair of slots already
                b = t_seeker[t]
                if a == b:
                    continue
                gap = abs(s_rating[s] - t_rating[t])
                if gap > max(window[a], window[b]):
                    continue
                cost = gap_weight * (gap / gap_unit) ** 2
                if last[a] == player[b] or last[b] == player[a]:
                    cost += rematch_penalty
                role_s = (s % 2 if s % 2 != t % 2 else -1) if same_list else direction
                if a < b:
                    ra[m], rb[m], rra[m], rrb[m] = a, b, s_race[s], t_race[t]
                    rrole[m] = role_s
                else:
                    ra[m], rb[m], rra[m], rrb[m] = b, a, t_race[t], s_race[s]
                    rrole[m] = 1 - role_s if role_s >= 0 else -1
                rw[m] = wait_weight * (reward[a] + reward[b]) - cost
                rc[m] = cost
                count[ra[m] + 1] += 1
                m += 1
    # Grouped by the lower end (counting sort), each group sorted by the other end; a pair met twice (two
    # race assignments) is kept once, in its heaviest assignment.
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
    out_role = np.empty(m, np.int64)
    q = 0
    for v in range(n):
        lo, hi = count[v], count[v + 1]
        for x in range(lo + 1, hi):  # insertion sort: rows are short
            e = by_a[x]
            key = rb[e]
            y = x - 1
            while y >= lo and rb[by_a[y]] > key:
                by_a[y + 1] = by_a[y]
                y -= 1
            by_a[y + 1] = e
        for x in range(lo, hi):
            e = by_a[x]
            if q > 0 and out_a[q - 1] == v and out_b[q - 1] == rb[e]:
                if rw[e] <= out_w[q - 1]:
                    continue
                q -= 1
            out_a[q], out_b[q], out_ra[q], out_rb[q] = v, rb[e], rra[e], rrb[e]
            out_w[q], out_c[q], out_role[q] = rw[e], rc[e], rrole[e]
            q += 1
    return out_a[:q], out_b[:q], out_ra[:q], out_rb[:q], out_w[:q], out_c[:q], out_role[:q]


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
def max_matching(
    n: int,
    ea: Ints,
    eb: Ints,
    w: Floats,
    cost: Floats,
    a_role: Ints,
    position: Floats,
    start: Ints,
    nbr: Ints,
    eid: Ints,
    full: bool,
) -> Ints:
    """Each player's matched edge (-1 when free): maximum cardinality, then locally maximal weight. `cost` is
    the part of each weight that is not the players' own (the waiting): an exchange among the same players
    gains exactly the cost it saves. Without `full`, only the cheapest exchanges are looked for."""
    mate = np.full(n, -1, np.int64)
    medge = np.full(n, -1, np.int64)
    # The exchange graph's nodes, (player, role) as 2z + r, in the order of the rating each plays
    # (`position`, NaN where the player never plays that role).
    order = np.argsort(position)
    order = order[~np.isnan(position[order])]
    can = ~np.isnan(position)
    _greedy(order, w, cost, start, nbr, eid, mate, medge)
    _augment_forest(n, start, nbr, mate, n)
    for v in range(n):
        medge[v] = -1 if mate[v] < 0 else _edge(start, nbr, eid, v, mate[v])
    if not full:
        return medge
    for _ in range(MAX_ROUNDS):
        # Local exchanges first (cheap, and they include those no role keeps), then the exchange graph's.
        # Around a cycle the same players stay matched, so it gains the cost it saves: searched on costs,
        # where most arcs lose and the labels settle fast.
        sweeps = _improve(n, w, cost, start, nbr, eid, mate, medge, MAX_SWEEPS)
        # First with everyone keeping their role (every cycle and path found is then valid), then letting
        # players who can play either role change it.
        applied = 0
        for keep in (True, False):
            applied += _cancel(n, ea, -cost, a_role, order, can, start, nbr, eid, mate, medge, True, keep, LABEL_SWEEPS)
            applied += _cancel(n, ea, w, a_role, order, can, start, nbr, eid, mate, medge, False, keep, LABEL_SWEEPS)
        if applied == 0 and sweeps == 1:
            break
    return medge


@_compiled
def _greedy(order: Ints, w: Floats, cost: Floats, start: Ints, nbr: Ints, eid: Ints, mate: Ints, medge: Ints) -> None:
    """A first matching: in rating order, each free player takes the free neighbour it costs least to play."""
    for node in order:
        x = node >> 1
        if mate[x] >= 0:
            continue
        best = -1
        for p in range(start[x], start[x + 1]):
            e = eid[p]
            if mate[nbr[p]] < 0 and (best < 0 or cost[e] - 1e-6 * w[e] < cost[eid[best]] - 1e-6 * w[eid[best]]):
                best = p
        if best >= 0:
            _pair(x, nbr[best], eid[best], mate, medge)


@_compiled
def eligible_pairs(
    same_list: bool, x_seeker: Ints, x_rating: Floats, y_seeker: Ints, y_rating: Floats, window: Floats
) -> tuple[Ints, Ints]:
    """Every eligible pair of players, (a, b) with a < b, unsorted; a pair eligible in two race assignments
    comes twice. For the check of a small pool's maximum cardinality."""
    widest = window.max() if len(window) > 0 else 0.0
    total = 0
    for fill in range(2):
        if fill == 1:
            out_a = np.empty(total, np.int64)
            out_b = np.empty(total, np.int64)
        m = 0
        lo = 0
        for s in range(len(x_seeker)):
            while lo < len(y_seeker) and y_rating[lo] < x_rating[s] - widest:
                lo += 1
            t = s + 1 if same_list else lo
            while t < len(y_seeker) and y_rating[t] <= x_rating[s] + widest:
                a, b = x_seeker[s], y_seeker[t]
                if a != b and abs(x_rating[s] - y_rating[t]) <= max(window[a], window[b]):
                    if fill == 1:
                        out_a[m], out_b[m] = min(a, b), max(a, b)
                    m += 1
                t += 1
        total = m
    return out_a, out_b


@_compiled
def augment(n: int, start: Ints, nbr: Ints, mate: Ints) -> None:
    """Grows `mate` to a maximum-cardinality matching of the graph."""
    _augment_forest(n, start, nbr, mate, n)


@_compiled
def _find(base: Ints, x: int) -> int:
    """The base of the blossom x is in (union-find with path halving)."""
    while base[x] != x:
        base[x] = base[base[x]]
        x = base[x]
    return x


@_compiled
def _augment_forest(n: int, start: Ints, nbr: Ints, mate: Ints, max_phases: int) -> int:
    """Edmonds' algorithm with a forest: alternating trees grow from every free player at once, and an edge
    between even players of two trees is an augmenting path, taken at once; both trees then rest until the
    next phase, which starts the forest afresh. A phase costs a scan of the graph and takes many short
    paths. Returns the number of phases run (the matching is maximum when the last one found none)."""
    parent = np.full(n, -1, np.int64)
    base = np.arange(n)
    label = np.zeros(n, np.int8)  # 0: in no tree, 1: even, 2: odd
    tree = np.full(n, -1, np.int64)
    done = np.zeros(n, np.bool_)
    mark = np.zeros(n, np.int64)
    queue = np.empty(n + 1, np.int64)
    merged = np.empty(2 * n + 2, np.int64)
    lstamp = 0
    phases = 0
    while phases < max_phases:
        phases += 1
        qh, qt = 0, 0
        for v in range(n):
            parent[v] = -1
            base[v] = v
            done[v] = False
            if mate[v] < 0 and start[v] < start[v + 1]:
                label[v] = 1
                tree[v] = v
                queue[qt] = v
                qt += 1
            else:
                label[v] = 0
                tree[v] = -1
        augmented = 0
        while qh < qt:
            v = queue[qh]
            qh += 1
            for pos in range(start[v], start[v + 1]):
                if done[tree[v]]:
                    break
                to = nbr[pos]
                if mate[v] == to:
                    continue
                if label[to] == 0:
                    if mate[to] < 0:
                        continue
                    parent[to] = v
                    label[to] = 2
                    tree[to] = tree[v]
                    m = mate[to]
                    label[m] = 1
                    tree[m] = tree[v]
                    queue[qt] = m
                    qt += 1
                    continue
                if label[to] == 2 and _find(base, to) == to:
                    continue  # an odd player (in no blossom)
                if done[tree[to]]:
                    continue
                bv, bt = _find(base, v), _find(base, to)
                if bv == bt:
                    continue
                if tree[to] != tree[v]:
                    # An augmenting path: to's side back to its root, then the edge, then v's side.
                    o = mate[to]
                    while o >= 0:
                        e = parent[o]
                        nxt = mate[e]
                        mate[o] = e
                        mate[e] = o
                        o = nxt
                    parent[to] = v
                    x = to
                    while x >= 0:
                        px = parent[x]
                        nxt = mate[px]
                        mate[x] = px
                        mate[px] = x
                        x = nxt
                    done[tree[v]] = True
                    done[tree[to]] = True
                    augmented += 1
                    break
                # An odd cycle in one tree: contract the blossom onto its base.
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
                        if label[y] == 2:  # an odd player becomes even: its edges are explored
                            label[y] = 1
                            queue[qt] = y
                            qt += 1
                        x = parent[y]
                for t in range(nm):
                    base[merged[t]] = cur
        if augmented == 0:
            break
    return phases


@_compiled
def _improve(
    n: int,
    w: Floats,
    cost: Floats,
    start: Ints,
    nbr: Ints,
    eid: Ints,
    mate: Ints,
    medge: Ints,
    max_sweeps: int,
) -> int:
    """Short exchanges that keep the number of pairs and raise the weight, the best per player, until none
    is left (or `max_sweeps`). Returns the number of sweeps."""
    sweeps = 0
    for _ in range(max_sweeps):
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
            if y in (v, u):
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
    """Pair (a, b) exchanges partners with (c, d) -> (a, c), (b, d): the best such move. The players stay the
    same, so the gain is the cost saved. Only exchanges in which (a, b) costs the more are looked at from
    here (each is still seen, from the dearer pair), and the rest prune."""
    b = mate[a]
    cab = cost[medge[a]]
    best = EPS
    bc = -1
    for pc in range(start[a], start[a + 1]):
        c = nbr[pc]
        d = mate[c]
        if c == b or d < 0:
            continue
        ccd = cost[medge[c]]
        if ccd > cab:
            continue
        g = cab + ccd - cost[eid[pc]]
        if g <= best:
            continue
        e_bd = _edge(start, nbr, eid, b, d)
        if e_bd >= 0 and g - cost[e_bd] > best:
            best, bc = g - cost[e_bd], c
    if bc < 0:
        return 0
    d = mate[bc]
    _pair(a, bc, _edge(start, nbr, eid, a, bc), mate, medge)
    _pair(b, d, _edge(start, nbr, eid, b, d), mate, medge)
    return 1


@_compiled
def _role(x: int, e: int, ea: Ints, a_role: Ints) -> int:
    """The role x plays in edge e (-1: the edge has none)."""
    r = a_role[e]
    if r < 0:
        return -1
    return int(r) if ea[e] == x else 1 - int(r)


@_compiled
def _cancel(
    n: int,
    ea: Ints,
    w: Floats,
    a_role: Ints,
    order: Ints,
    can: NDArray[np.bool_],
    start: Ints,
    nbr: Ints,
    eid: Ints,
    mate: Ints,
    medge: Ints,
    cycles: bool,
    keep_roles: bool,
    max_sweeps: int,
) -> int:
    """Improving alternating cycles (`cycles`) or alternating paths from free players, found as longest paths
    in the exchange graph. Its nodes are (player, role), 2z + r: player z, freed, will next play role r (0 or
    1, see `candidate_edges`). Arc (x, r) -> (z, r') when x, playing r, takes the partner y of z, which frees
    z; it gains w(x, y) - w(y, z). A cycle there is an alternating cycle; a path from a free player, an
    alternating path that frees its last player.

    Labels are corrected in sweeps over the nodes in rating order (`order`: the nodes there are, sorted by
    the rating each plays), forwards and backwards in turn, each node's arcs looked at again only once its
    label has risen (by more than LABEL_STEP): exchanges run along the rating line, so a few sweeps settle
    them. An improvement found is applied at once and its players are left alone until the labels start
    over, which they do once they settle.

    A cycle or path there is a valid exchange when no player is twice in it (in a bipartite graph it always
    is). A cycle that frees a player twice is split in two at that player and the gaining part is taken;
    any other invalid cycle or path has the node where a player comes again blocked for this call, and the
    labels start over. With `keep_roles`, a player freed must next play the role it played: every node then
    has one role, no pair can be walked both ways, and nothing is invalid (but nobody changes side).
    Returns how many exchanges were applied."""
    nn = 2 * n
    dist = np.full(nn, -np.inf)
    parent = np.full(nn, -1, np.int64)
    via = np.full(nn, -1, np.int64)
    blocked = np.zeros(nn, np.bool_)
    dirty = np.zeros(nn, np.bool_)
    used = np.zeros(n, np.bool_)
    seen = np.zeros(nn, np.int64)
    pstamp = np.zeros(n, np.int64)
    members = np.empty(nn, np.int64)
    first = np.full(n, -1, np.int64)
    stamp = 0
    applied = 0
    fresh = True
    starts = 0
    sweep = 0
    since_fresh = 0
    while True:
        while True:
            sweep += 1
            if fresh:
                # A fresh start gets `max_sweeps` sweeps; there are at most MAX_STARTS.
                starts += 1
                if starts > MAX_STARTS:
                    break
                sweep = 0
                since_fresh = 0
                # Labels start over on the matching as it now is.
                used[:] = False
                for node in order:
                    parent[node] = -1
                    z = node >> 1
                    if mate[z] >= 0:
                        starting = cycles and (not keep_roles or _role(z, medge[z], ea, a_role) == (node & 1))
                    else:
                        starting = not cycles
                    dist[node] = 0.0 if starting else -np.inf
                    dirty[node] = dist[node] == 0.0
                fresh = False
            changed = False
            m = len(order)
            for q in range(m):
                node = order[q] if sweep % 2 == 0 else order[m - 1 - q]
                if not dirty[node] or blocked[node]:
                    continue
                dirty[node] = False
                dx = dist[node]
                x = node >> 1
                if used[x]:
                    continue
                r = node & 1
                for p in range(start[x], start[x + 1]):
                    y = nbr[p]
                    z = mate[y]
                    if z < 0 or z == x or y == mate[x] or used[y] or _role(x, eid[p], ea, a_role) != r:
                        continue
                    nd = dx + w[eid[p]] - w[medge[y]]
                    for r2 in range(2):
                        if keep_roles and (r2 != r or _role(z, medge[z], ea, a_role) != r):
                            continue
                        target = 2 * z + r2
                        if can[target] and nd > dist[target] + LABEL_STEP and not blocked[target]:
                            dist[target] = nd
                            parent[target] = node
                            via[target] = y
                            dirty[target] = True
                            changed = True
            if not changed:
                if since_fresh > 0 and cycles:
                    fresh = True  # look again where exchanges were made, on the matching as it now is
                    continue
                break
            if sweep >= max_sweeps:
                break
            # Cycles among the labels: apply the valid ones, block a node of each invalid one.
            seen[:] = 0
            for s0 in order:
                if seen[s0] != 0 or parent[s0] < 0:
                    continue
                stamp += 1
                k = 0
                v = s0
                while v >= 0 and seen[v] == 0:
                    seen[v] = stamp
                    members[k] = v
                    k += 1
                    v = parent[v]
                if v < 0 or seen[v] != stamp:
                    continue
                lo = 0
                while members[lo] != v:
                    lo += 1
                outcome = _apply_cycle(
                    members, lo, k, parent, via, w, start, nbr, eid, mate, medge, used, pstamp, stamp, first
                )
                if outcome > 0:
                    # Its players are left alone until the labels start over; the search goes on elsewhere.
                    applied += 1
                    since_fresh += 1
                elif outcome < 0:
                    # Blocked where the player comes again; the labels start over without that node.
                    blocked[members[-outcome - 1]] = True
                    fresh = True
        if cycles:
            return applied
        # Paths from free players, the most gainful first. When the best is invalid and none is applied, its
        # node where a player comes again is blocked and the labels start over.
        seen[:] = 0
        ends = np.argsort(-dist)
        invalid = -1
        found = 0
        for t in range(nn):
            end = ends[t]
            if dist[end] <= EPS:
                break
            if seen[end] != 0:
                continue
            stamp += 1
            k = 0
            v = end
            while v >= 0 and seen[v] == 0:
                seen[v] = stamp
                members[k] = v
                k += 1
                v = parent[v]
            if v >= 0 or mate[members[k - 1] >> 1] >= 0:
                continue  # meets an earlier walk, or does not start from a free player
            outcome = _apply(members, 0, k, k - 1, parent, via, w, start, nbr, eid, mate, medge, used, pstamp, stamp)
            if outcome > 0:
                found += 1
            elif outcome < 0 and invalid < 0:
                invalid = members[-outcome - 1]
        applied += found
        if found > 0 or invalid < 0 or starts > MAX_STARTS:
            return applied
        blocked[invalid] = True
        fresh = True


@_compiled
def _apply_cycle(
    members: Ints,
    lo: int,
    hi: int,
    parent: Ints,
    via: Ints,
    w: Floats,
    start: Ints,
    nbr: Ints,
    eid: Ints,
    mate: Ints,
    medge: Ints,
    used: NDArray[np.bool_],
    pstamp: Ints,
    stamp: int,
    first: Ints,
) -> int:
    """`_apply` for the cycle `members[lo:hi]`. A cycle that frees one player twice is two cycles joined at
    that player (each frees it once and has it take a partner once); their gains add up to the whole's, so
    one gains: that one is taken instead, until no player is freed twice."""
    while True:
        dup_at, dup_from = -1, -1
        for t in range(lo, hi):
            z = members[t] >> 1
            if first[z] >= 0:
                dup_at, dup_from = t, first[z]
                break
            first[z] = t
        for t in range(lo, hi):
            first[members[t] >> 1] = -1
        if dup_at < 0:
            return _apply(members, lo, hi, hi, parent, via, w, start, nbr, eid, mate, medge, used, pstamp, stamp)
        inner = 0.0
        for t in range(dup_from, dup_at):
            node = members[t]
            e = _edge(start, nbr, eid, parent[node] >> 1, via[node])
            if e < 0 or medge[node >> 1] < 0:
                return 0
            inner += w[e] - w[medge[node >> 1]]
        if inner > EPS:
            lo, hi = dup_from, dup_at
        else:
            # The rest: members[lo:dup_from] then members[dup_at:hi], moved together.
            k = dup_from
            for t in range(dup_at, hi):
                members[k] = members[t]
                k += 1
            hi = k


@_compiled
def _apply(
    members: Ints,
    lo: int,
    hi: int,
    top: int,
    parent: Ints,
    via: Ints,
    w: Floats,
    start: Ints,
    nbr: Ints,
    eid: Ints,
    mate: Ints,
    medge: Ints,
    used: NDArray[np.bool_],
    pstamp: Ints,
    stamp: int,
) -> int:
    """Applies the exchange `members[lo:hi]` (exchange-graph nodes, each freed from its partner, which its
    parent's player takes; members from `top` on take a partner but free none) if it is valid, still
    describes the matching, shares no player with one applied before and gains. Returns 1 if it did, -1 - t
    if it has a player twice (invalid; `members[t]` is where the player comes again), 0 otherwise."""
    for t in range(lo, hi):
        z = members[t] >> 1
        if used[z] or (t < top and (mate[z] != via[members[t]] or used[mate[z]])) or (t >= top and mate[z] >= 0):
            return 0
    gain = 0.0
    for t in range(lo, hi):
        z = members[t] >> 1
        if pstamp[z] == stamp:
            return -1 - t
        pstamp[z] = stamp
        if t < top:
            y = via[members[t]]
            if pstamp[y] == stamp:
                return -1 - t
            pstamp[y] = stamp
            gain += w[_edge(start, nbr, eid, parent[members[t]] >> 1, y)] - w[medge[z]]
    if gain <= EPS:
        return 0
    for t in range(lo, hi):
        z = members[t] >> 1
        used[z] = True
        if mate[z] >= 0:
            used[mate[z]] = True
            medge[mate[z]] = -1
            mate[mate[z]] = -1
        mate[z] = -1
        medge[z] = -1
    for t in range(lo, top):
        x = parent[members[t]] >> 1
        y = via[members[t]]
        _pair(x, y, _edge(start, nbr, eid, x, y), mate, medge)
    return 1
