"""Automatic layered layout, top to bottom (Sugiyama's scheme, kept small):

1. layers by longest path from the inputs (inputs pulled down next to their first user),
2. a chain of narrow placeholders for every edge that skips layers, so it gets a lane,
3. order within a layer by barycentre sweeps, keeping the order with fewest crossings,
4. x by least-squares alignment with the neighbours (pool-adjacent-violators keeps the
   order and the gaps), alternating down and up passes.

>>> pos = layered_layout([1, 2, 3], [(1, 2), (2, 3)], {1: (100, 40), 2: (100, 40), 3: (100, 40)})
>>> [pos[i][1] for i in (1, 2, 3)]
[0.0, 76.0, 152.0]
"""
from __future__ import annotations

LAYER_GAP = 36.0
NODE_GAP = 36.0
LANE_WIDTH = 16.0
LANE_GAP = 14.0
_SWEEPS = 12


def layered_layout(node_ids, edges, sizes, layer_gap=LAYER_GAP, node_gap=NODE_GAP):
    """Top-left positions {node id: (x, y)}; ``edges`` are (src id, dst id) pairs and
    ``sizes`` {node id: (width, height)}."""
    node_ids = list(node_ids)
    if not node_ids:
        return {}
    edges = [(s, d) for s, d in edges if s != d and s in sizes and d in sizes]
    forward = _acyclic(node_ids, edges)
    layer = _layers(node_ids, forward)
    graph = _Graph(node_ids, layer, sizes)
    for src, dst in forward:
        graph.add_edge(src, dst)
    rows = _order(graph)
    centers = _place_x(graph, rows, node_gap)
    return _to_positions(graph, rows, centers, layer_gap)


def _acyclic(node_ids, edges):
    """The edges minus those closing a cycle (found by depth-first search in input order)."""
    successors = {n: [] for n in node_ids}
    for src, dst in edges:
        successors[src].append(dst)
    state, back = {}, set()
    for root in node_ids:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(successors[root]))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.add((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(successors[child])))
    return [e for e in edges if e not in back]


def _layers(node_ids, edges):
    preds = {n: [] for n in node_ids}
    succs = {n: [] for n in node_ids}
    for src, dst in edges:
        preds[dst].append(src)
        succs[src].append(dst)
    layer, pending = {}, {n: len(preds[n]) for n in node_ids}
    ready = [n for n in node_ids if pending[n] == 0]
    while ready:
        node = ready.pop(0)
        layer[node] = max((layer[p] + 1 for p in preds[node]), default=0)
        for nxt in succs[node]:
            pending[nxt] -= 1
            if pending[nxt] == 0:
                ready.append(nxt)
    for node in node_ids:   # an input used only late (a label) sits just above its user
        if not preds[node] and succs[node]:
            layer[node] = max(0, min(layer[s] for s in succs[node]) - 1)
    return layer


class _Graph:
    """Real nodes plus lane placeholders (negative ids), with neighbours per node."""

    def __init__(self, node_ids, layer, sizes):
        self.nodes = list(node_ids)
        self.layer = dict(layer)
        self.width = {n: float(sizes[n][0]) for n in node_ids}
        self.height = {n: float(sizes[n][1]) for n in node_ids}
        self.preds = {n: [] for n in node_ids}
        self.succs = {n: [] for n in node_ids}
        self._next_dummy = -1

    def is_dummy(self, node):
        return node < 0

    def add_edge(self, src, dst):
        previous = src
        for step in range(self.layer[src] + 1, self.layer[dst]):
            dummy = self._next_dummy
            self._next_dummy -= 1
            self.nodes.append(dummy)
            self.layer[dummy] = step
            self.width[dummy], self.height[dummy] = LANE_WIDTH, 0.0
            self.preds[dummy], self.succs[dummy] = [], []
            self._link(previous, dummy)
            previous = dummy
        self._link(previous, dst)

    def _link(self, src, dst):
        self.succs[src].append(dst)
        self.preds[dst].append(src)


def _order(graph):
    depth = max(graph.layer.values()) + 1
    rows = [[] for _ in range(depth)]
    seen = set()
    for root in graph.nodes:            # depth-first from the inputs: a readable start
        if graph.preds[root] or root in seen:
            continue
        stack = [root]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            rows[graph.layer[node]].append(node)
            stack.extend(reversed(graph.succs[node]))
    for node in graph.nodes:
        if node not in seen:
            rows[graph.layer[node]].append(node)
    best, best_crossings = [list(r) for r in rows], _crossings(graph, rows)
    for sweep in range(_SWEEPS):
        down = sweep % 2 == 0
        sequence = range(1, depth) if down else range(depth - 2, -1, -1)
        for index in sequence:
            reference = rows[index - 1] if down else rows[index + 1]
            where = {n: i for i, n in enumerate(reference)}
            neighbours = graph.preds if down else graph.succs
            current = {n: i for i, n in enumerate(rows[index])}

            def key(node, where=where, neighbours=neighbours, current=current):
                linked = [where[m] for m in neighbours[node] if m in where]
                return sum(linked) / len(linked) if linked else current[node]
            rows[index].sort(key=key)
        crossings = _crossings(graph, rows)
        if crossings < best_crossings:
            best, best_crossings = [list(r) for r in rows], crossings
    return best


def _crossings(graph, rows):
    total = 0
    for upper, lower in zip(rows, rows[1:]):
        where = {n: i for i, n in enumerate(lower)}
        pairs = sorted((i, where[m]) for i, n in enumerate(upper) for m in graph.succs[n] if m in where)
        for a in range(len(pairs)):
            for b in range(a + 1, len(pairs)):
                if pairs[a][0] < pairs[b][0] and pairs[a][1] > pairs[b][1]:
                    total += 1
    return total


def _place_x(graph, rows, node_gap):
    centers = {}
    for row in rows:
        x = 0.0
        for node in row:
            centers[node] = x + graph.width[node] / 2
            x += graph.width[node] + node_gap
    for sweep in range(8):
        down = sweep % 2 == 0
        ordered = rows if down else rows[::-1]
        for row in ordered:
            neighbours = graph.preds if down else graph.succs
            desired = []
            for node in row:
                linked = [centers[m] for m in neighbours[node]]
                desired.append(sum(linked) / len(linked) if linked else centers[node])
            for node, x in zip(row, _fit_row(graph, row, desired, node_gap)):
                centers[node] = x
    return centers


def _fit_row(graph, row, desired, node_gap):
    """Centres closest to ``desired`` (least squares) that keep order and gaps."""
    offsets, total = [], 0.0
    for i, node in enumerate(row):
        if i:
            prev = row[i - 1]
            gap = LANE_GAP if graph.is_dummy(prev) or graph.is_dummy(node) else node_gap
            total += (graph.width[prev] + graph.width[node]) / 2 + gap
        offsets.append(total)
    blocks = []   # [sum of weighted targets, weight, count]
    for node, want, offset in zip(row, desired, offsets):
        weight = 2.0 if graph.is_dummy(node) else 1.0   # keep long edges straight
        blocks.append([weight * (want - offset), weight, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            value, weight, count = blocks.pop()
            blocks[-1][0] += value
            blocks[-1][1] += weight
            blocks[-1][2] += count
    out = []
    for value, weight, count in blocks:
        out += [value / weight] * count
    return [y + offset for y, offset in zip(out, offsets)]


def _to_positions(graph, rows, centers, layer_gap):
    left = min(centers[n] - graph.width[n] / 2 for row in rows for n in row)
    positions, y = {}, 0.0
    for row in rows:
        real = [n for n in row if not graph.is_dummy(n)]
        height = max((graph.height[n] for n in real), default=0.0)
        for node in real:
            top = y + (height - graph.height[node]) / 2
            positions[node] = (round(centers[node] - graph.width[node] / 2 - left, 1), top)
        y += height + layer_gap
    return positions


def layout_document(doc, size_of):
    """Positions for every node of ``doc``; ``size_of(node)`` gives (width, height)."""
    sizes = {node_id: size_of(node) for node_id, node in doc.nodes.items()}
    return layered_layout(list(doc.nodes), [(e.src, e.dst) for e in doc.edges], sizes)
