"""``agrad graph``: draw the computational graph of one training step.

    agrad graph --model lenet5 -o lenet5.svg [--collapse-modules]
    agrad graph --model my_net.py:Net --input-shape 3 32 32 -o net.svg

Builds the model, computes the cross-entropy loss of one batch (random images and labels of
the right shape: the graph's structure does not depend on the data), runs ``backward()`` so
every node shows its gradient, and writes ``draw_graph(loss, params=...)`` with the
parameters named. The format comes from the output's suffix: ``.svg`` renders without the
system Graphviz, ``.dot``/``.gv`` is the DOT text, ``.png``/``.pdf``/... need Graphviz's ``dot``.
"""

import sys
from pathlib import Path

import graphviz
import numpy as np

import autograd as ag
from agrad.model_spec import is_model_spec
from agrad.registry import MODEL_NAMES, build_model, check_model_name
from autograd.draw import GraphRenderError, GraphvizNotFoundError, draw_graph
from autograd.draw.render import write_atomically

# the input each known model is drawn on: (C, H, W); a student's own model gets LeNet's
NATURAL_INPUT = {"lenet5": (1, 28, 28), "smallcnn": (1, 8, 8), "mlp": (1, 28, 28), "resnet8": (3, 32, 32),
                 "resnet20": (3, 32, 32), "vgg-small": (3, 32, 32)}
DEFAULT_INPUT = (1, 28, 28)


def register(subcommands):
    parser = subcommands.add_parser(
        "graph", help="draw the computational graph of one training step (SVG works without Graphviz)",
        description="Draw the graph of one training step (loss of one batch) with parameters named.")
    parser.add_argument("--model", default="lenet5",
                        help=f"the model to draw: {', '.join(MODEL_NAMES)}, or your own as path/to/file.py:ClassName "
                             "or package.module:factory (default lenet5)")
    parser.add_argument("--input-shape", type=int, nargs=3, metavar=("C", "H", "W"), default=None,
                        help="the images' shape (default: the model's own: 1 28 28 for lenet5, mlp and your own "
                             "models, 1 8 8 for smallcnn, 3 32 32 for the CIFAR models)")
    parser.add_argument("-o", "--output", required=True, type=Path,
                        help="the file to write; its suffix picks the format: .svg (no Graphviz needed), "
                             ".dot/.gv (DOT text), .png/.pdf/... (need the system Graphviz)")
    parser.add_argument("--collapse-modules", action="store_true", help="draw each layer call as one node")
    parser.add_argument("--batch-size", type=int, default=8, help="images in the batch (default 8)")
    parser.add_argument("--max-nodes", type=int, default=300,
                        help="above this many nodes the drawing is summarised (default 300)")
    parser.add_argument("--rankdir", choices=["TB", "LR"], default="TB",
                        help="top-down (TB, the default) or left-right (LR)")
    parser.add_argument("--seed", type=int, default=0, help="seeds the weights and the batch (default 0)")
    parser.set_defaults(run=run)


def training_step(model_name, batch_size=8, seed=0, input_shape=None, num_classes=10):
    """(model, loss) after one forward and backward pass on a random batch of ``input_shape``
    (C, H, W) images (default: the model's own)."""
    from nn import functional as F

    if batch_size < 1:
        raise ValueError(f"--batch-size must be >= 1, got {batch_size}")
    spec = check_model_name(model_name)
    input_shape = tuple(input_shape or NATURAL_INPUT.get(model_name, DEFAULT_INPUT))
    if len(input_shape) != 3 or min(input_shape) < 1:
        raise ValueError(f"--input-shape must be three positive sizes C H W, got {input_shape}")
    square = spec.image_size
    if not is_model_spec(model_name) and square is not None and input_shape[1:] != (square, square):
        raise ValueError(f"model {model_name} expects {square}x{square} images, "
                         f"--input-shape gives {input_shape[1]}x{input_shape[2]}")
    np.random.seed(seed)  # nn.init draws from NumPy's global generator: the same weights every run
    model = build_model(model_name, input_shape, num_classes)
    rng = np.random.default_rng(seed)
    images = rng.standard_normal((batch_size, *input_shape)).astype(np.float32)
    labels = rng.integers(0, num_classes, batch_size)
    logits = model(ag.Tensor(images, requires_grad=False, label="images"))
    loss = F.cross_entropy(logits, labels)
    loss.label = "loss"
    loss.backward()
    return model, loss


def output_format(path):
    """The Graphviz format named by ``path``'s suffix (ValueError if it names none)."""
    suffix = path.suffix.lstrip(".").lower()
    if suffix not in graphviz.FORMATS:
        raise ValueError(f"cannot tell the format from {str(path)!r}; use .svg, .dot, .png, .pdf, ...")
    return suffix


def run(args):
    try:
        format = output_format(args.output)
        if not args.output.parent.is_dir():
            raise ValueError(f"the folder of {str(args.output)!r} does not exist")
        model, loss = training_step(args.model, args.batch_size, args.seed, args.input_shape)
        drawing = draw_graph(loss, params=dict(model.named_parameters()), collapse_modules=args.collapse_modules,
                             max_nodes=args.max_nodes, rankdir=args.rankdir)
        data = drawing.source if format in ("dot", "gv") else drawing.pipe(format=format)
    except (ValueError, FileNotFoundError) as error:  # a bad option: the usage error code, as argparse's
        print(f"agrad graph: {error}", file=sys.stderr)
        return 2
    except (GraphvizNotFoundError, GraphRenderError) as error:  # the machine, not the command line
        print(f"agrad graph: {error}", file=sys.stderr)
        return 1
    try:
        write_atomically(args.output, data)
    except OSError as error:
        print(f"agrad graph: cannot write {str(args.output)!r}: {error}", file=sys.stderr)
        return 2
    stats = drawing.stats
    print(f"wrote {args.output}: {stats['drawn']} nodes, {stats['edges']} edges "
          f"({stats['nodes']} values in the graph of {args.model}'s loss {loss.item():.4f})")
    if stats["summary"]:
        print(f"  summarised: {stats['summary']}")
    return 0
