"""unfold and fold: PyTorch's F.unfold / F.fold, im2col and col2im as differentiable ops.

unfold's backward is a fold and fold's backward is an unfold: they are each other's adjoint,
so each backward is the other op (and can be differentiated again). The array work is a kernel
call (``autograd.kernels``).
"""

from autograd import kernels
from autograd.geometry import WindowGeometry
from autograd.ops.conv_args import check_windows_fit, pair, require_ndim
from autograd.tensor import Tensor, as_tensor

# every backward is made of these ops, so it works on Tensor gradients too (ag.grad(create_graph=True))
TWICE_DIFFERENTIABLE = True


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Every window of x as a column (im2col), PyTorch's layout.

    x: (N, C, H, W) -> (N, C*kH*kW, L), L = H_out * W_out; row c*kH*kW + i*kW + j of column
    oh*W_out + ow is x_pad[n, c, oh*sH + i*dH, ow*sW + j*dW].
    kernel_size (kH, kW), dilation (dH, dW, default 1), padding (zeros on each side, default 0) and
    stride (sH, sW, default 1) are each an int or a pair, as in PyTorch.
    """
    x = as_tensor(x, "unfold", "x")
    require_ndim(x.shape, 4, "unfold", "input", "(N, C, H, W)")
    return _unfold(x, _geometry("unfold", x.shape, kernel_size, dilation, padding, stride))


def _unfold(x, geom):
    output = Tensor(kernels.current().unfold(x.value, geom), inputs=(x,), op="unfold")

    def _backward():
        x.accumulate_grad(_fold(as_tensor(output.grad), geom))

    output._backward = _backward
    return output


def fold(columns, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Columns back into an image (col2im), overlapping windows adding up; unfold's adjoint.

    columns: (N, C*kH*kW, L) -> (N, C, H, W) with (H, W) = output_size and L the number of
    windows that fit in it. kernel_size, dilation (default 1), padding (default 0, cut off again)
    and stride (default 1) are an int or a pair each and describe the windows as in unfold.
    """
    columns = as_tensor(columns, "fold", "columns")
    op = "fold"
    require_ndim(columns.shape, 3, op, "input", "(N, C*kH*kW, L)")
    height, width = pair(output_size, "output_size", op, minimum=1)
    k_h, k_w = pair(kernel_size, "kernel_size", op, minimum=1)
    n, rows, blocks = columns.shape
    if rows % (k_h * k_w):
        raise ValueError(
            f"{op}: input dimension 1 ({rows}) must be divisible by kH*kW = {k_h}*{k_w} (input shape {columns.shape})"
        )
    geom = _geometry(op, (n, rows // (k_h * k_w), height, width), kernel_size, dilation, padding, stride)
    if blocks != geom.L:
        raise ValueError(
            f"{op}: output_size {(height, width)} with this kernel, dilation, padding and stride has "
            f"{geom.H_out}*{geom.W_out} = {geom.L} windows, but the input has L = {blocks} (shape {columns.shape})"
        )
    return _fold(columns, geom)


def _fold(columns, geom):
    output = Tensor(kernels.current().fold(columns.value, geom), inputs=(columns,), op="fold")

    def _backward():
        columns.accumulate_grad(_unfold(as_tensor(output.grad), geom))

    output._backward = _backward
    return output


def _geometry(op, shape, kernel_size, dilation, padding, stride):
    kernel = pair(kernel_size, "kernel_size", op, minimum=1)
    dilation = pair(dilation, "dilation", op, minimum=1)
    p_h, p_w = pair(padding, "padding", op, minimum=0)
    stride = pair(stride, "stride", op, minimum=1)
    padding = ((p_h, p_h), (p_w, p_w))
    check_windows_fit(shape, kernel, padding, dilation, op)
    return WindowGeometry(shape, kernel, stride, padding, dilation)

