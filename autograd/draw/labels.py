"""The text inside a drawn graph: node labels, gradient summaries, broadcast annotations.

Everything here returns DOT-ready text: a real newline in a user's label becomes DOT's ``\\n``
line break and a literal backslash is kept literal, so ``label="z1\\nleaf(z)"`` (the lesson's
label) draws on two lines.
"""

import numpy as np

from autograd.ops.broadcast import summed_axes

# the elementwise ops that broadcast their inputs (and unbroadcast their gradients)
BROADCASTING_OPS = frozenset({"+", "-", "*", "/", "**", "maximum", "minimum", "where"})

_RECORD_SPECIALS = str.maketrans({c: "\\" + c for c in "{}|<>"})


def dot_text(text):
    """``text`` as a DOT label: backslashes kept literal, newlines turned into line breaks."""
    return str(text).replace("\\", "\\\\").replace("\n", "\\n")


def record_field(text):
    """``text`` as one field of a DOT record label (``{ } | < >`` escaped too)."""
    return dot_text(text).translate(_RECORD_SPECIALS)


def is_tensor_node(node):
    """Tensors hold an ndarray ``value``; Scalars hold a float."""
    return isinstance(node.value, np.ndarray)


def scalar_record(node, name):
    """micrograd's record for an ``ag.Scalar``: ``label | data 0.5000 | grad -0.2689``."""
    return f"{{ {record_field(name)} | data {node.value:.4f} | grad {node.grad:.4f} }}"


def shape_text(shape):
    """``(6, 1, 5, 5)``; a 0-d shape is ``()``."""
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def number(x):
    return f"{x:.4g}"


def gradient_summary(grad):
    """A one-line summary of a gradient array: the value for one element, else norm and range.

    grad: any array (it may be a broadcast view); None means no gradient has flowed yet.
    """
    if grad is None:
        return None
    grad = np.asarray(grad)
    if grad.size == 0:
        return "grad (empty)"
    if grad.size == 1:
        return f"grad {number(grad.item())}"
    # a huge or non-finite gradient is worth drawing, not worth a warning
    with np.errstate(all="ignore"):
        norm = float(np.sqrt(np.sum(np.square(grad, dtype=np.float64))))
        low, high = float(np.min(grad)), float(np.max(grad))
    return f"grad ‖g‖ {number(norm)}  [{number(low)}, {number(high)}]"


def tensor_lines(node, name, role):
    """The lines of a Tensor node: name, op (or role), shape and dtype, value if one element,
    gradient summary once ``backward()`` has run.

    role: "parameter", "leaf", "constant" or "result" (see ``autograd.draw.graph``).
    """
    lines = [name] if name else []
    if role == "result":
        lines.append(node.op or "op")
    elif role == "leaf" and not name:
        lines.append("leaf")
    elif role == "constant" and not name:
        lines.append("const")
    lines.append(f"{shape_text(node.value.shape)} {node.value.dtype}")
    if node.value.size == 1 and node.value.dtype.kind in "biuf":
        lines.append(f"value {number(node.value.item())}")
    grad_line = gradient_summary(node._grad)
    if grad_line:
        lines.append(grad_line)
    return lines


def broadcast_annotation(node, input_node):
    """The edge text for ``input_node -> node`` when ``node``'s op broadcast that input (and a
    gradient flows back to it): which axes of the output its gradient is summed over (the
    lesson's unbroadcast), else None."""
    if node.op not in BROADCASTING_OPS or not is_tensor_node(input_node):
        return None
    if not getattr(input_node, "requires_grad", True):  # no gradient flows back to a constant
        return None
    in_shape, out_shape = input_node.value.shape, node.value.shape
    if in_shape == out_shape:
        return None
    try:
        axes = summed_axes(in_shape, out_shape)
    except ValueError:  # a user-defined op named like one of ours that does not broadcast
        return None
    if not axes:
        return None
    if len(axes) == 1:
        return f"Σ axis {axes[0]}"
    return f"Σ axes ({', '.join(str(a) for a in axes)})"


def short_gradient(grad):
    """``‖g‖ 0.0123`` (or the value for one element); None before any gradient flowed."""
    if grad is None:
        return None
    grad = np.asarray(grad)
    if grad.size == 1:
        return f"g {number(grad.item())}"
    with np.errstate(all="ignore"):
        return f"‖g‖ {number(float(np.sqrt(np.sum(np.square(grad, dtype=np.float64)))))}"
