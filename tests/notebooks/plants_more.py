"""Wrong answers planted in notebooks 01, 03, 05, 06, 07 and 08 (issue 18), for test_planted_more.

Each is a common mistake in one exercise (or, at the end, a delegation to agrad's own function),
keyed by the answer's nbgrader grade_id and written at column 0 (``planted.planted_notebook``
indents it like the solution region it replaces).
"""

# 01_scalar_autograd ------------------------------------------------------------------------------

SIGMOID_ASSIGNS = """
output = ag.Scalar(1.0 / (1.0 + math.exp(-input.value)), inputs=[input], op="sigmoid")
def _backward():
    input.grad = output.grad * output.value * (1.0 - output.value)  # = where a second use must add
    return None
output._backward = _backward
return output
"""

MODEL_FORGETS_B2 = """
outputs = []
for xi in x_scalar:
    hidden = [ag.relu(w * xi + b) for w, b in zip(self.w1, self.b1)]
    output = ag.Scalar(0.0)  # the output bias b2 left out
    for w, h in zip(self.w2, hidden):
        output = output + w * h
    outputs.append(output)
return outputs
"""

MSE_FORGETS_THE_MEAN = """
for prediction, target in zip(predictions, targets):
    loss = loss + (prediction - float(target)) ** 2  # the sum: never divided by n_samples
"""

ZERO_GRAD_REBINDS_A_LOCAL = [
    """
for param in self.parameters:
    grad = 0.0  # a new local name: param.grad is unchanged
""",
    None,  # step: the solution's
]

# 03_conv_pool_im2col -----------------------------------------------------------------------------

IM2COL_OUTPUT_OFF_BY_ONE = """
H, W = x.shape
H_out = H - kH  # the last window forgotten: H - kH + 1 windows fit
W_out = W - kW
X_col = np.empty((kH * kW, H_out * W_out), dtype=x.dtype)
col = 0
for i in range(H_out):
    for j in range(W_out):
        X_col[:, col] = x[i:i + kH, j:j + kW].reshape(-1)
        col += 1
return X_col
"""

IM2COL_STRIDE_IGNORED = """
H, W = x.shape
H_out = (H - kH) // stride + 1
W_out = (W - kW) // stride + 1
X_col = np.empty((kH * kW, H_out * W_out), dtype=x.dtype)
col = 0
for i in range(H_out):
    for j in range(W_out):  # window (i, j) read at (i, j), not at (i * stride, j * stride)
        X_col[:, col] = x[i:i + kH, j:j + kW].reshape(-1)
        col += 1
return X_col
"""

IM2COL_CHANNELS_LAST = """
C, H, W = x.shape
H_out = (H - kH) // stride + 1
W_out = (W - kW) // stride + 1
X_col = np.empty((C * kH * kW, H_out * W_out), dtype=x.dtype)
col = 0
for i in range(0, H - kH + 1, stride):
    for j in range(0, W - kW + 1, stride):
        X_col[:, col] = x[:, i:i + kH, j:j + kW].transpose(1, 2, 0).reshape(-1)  # (kH, kW, C), not (C, kH, kW)
        col += 1
return X_col
"""

CONV_FLIPS_THE_KERNEL = """
kH, kW = self.kernel_size
X_col = im2col(x, kH, kW)
W_col = self.weight[::-1, ::-1].reshape(1, -1)  # a true convolution: the lesson's conv is a cross-correlation
out = W_col @ X_col
return out.reshape(x.shape[0] - kH + 1, x.shape[1] - kW + 1)
"""

CONV_STRIDE_NOT_PASSED = """
if self.padding > 0:
    p = self.padding
    x = np.pad(x, ((p, p), (p, p)), mode="constant")
kH, kW = self.kernel_size
X_col = im2col(x, kH, kW)  # stride=self.stride forgotten: every window at stride 1
W_col = self.weight.reshape(1, -1)
out = W_col @ X_col
H_out = (x.shape[0] - kH) // self.stride + 1
W_out = (x.shape[1] - kW) // self.stride + 1
return out.reshape(H_out, W_out)
"""

CONV_PADS_THE_CHANNELS = """
kH, kW = self.kernel_size
if self.padding > 0:
    p = self.padding
    x = np.pad(x, ((p, p), (p, p), (p, p)), mode="constant")  # the channel axis padded too
_, H_pad, W_pad = x.shape
H_out = (H_pad - kH) // self.stride + 1
W_out = (W_pad - kW) // self.stride + 1
X_col = im2col(x, kH, kW, stride=self.stride)
W_col = self.weight.reshape(self.out_channels, -1)
out = W_col @ X_col
return out.reshape(self.out_channels, H_out, W_out)
"""

CONV_BATCH_SKIPS_SAMPLE_0 = """
N = x.shape[0]
kH, kW = self.kernel_size
p, s = self.padding, self.stride
if p > 0:
    x = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode="constant")
_, _, H_pad, W_pad = x.shape
H_out = (H_pad - kH) // s + 1
W_out = (W_pad - kW) // s + 1
W_col = self.weight.reshape(self.out_channels, -1)
out = np.zeros((N, self.out_channels, H_out, W_out), dtype=np.result_type(x, W_col))
for n in range(1, N):  # off by one: sample 0 never computed
    X_col = im2col(x[n], kH, kW, stride=s)
    out[n] = (W_col @ X_col).reshape(self.out_channels, H_out, W_out)
return out
"""

MAXPOOL_ACROSS_CHANNELS = """
N, C = x.shape[:2]
kH, kW = self.kernel_size
p, s = self.padding, self.stride
if p > 0:
    x = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode="constant")
_, _, H_pad, W_pad = x.shape
H_out = (H_pad - kH) // s + 1
W_out = (W_pad - kW) // s + 1
out = np.empty((N, C, H_out, W_out), dtype=x.dtype)
for n in range(N):
    for c in range(C):
        X_col = im2col(x[n], kH, kW, stride=s)  # all channels' windows: the max is taken across channels
        out[n, c] = X_col.max(axis=0).reshape(H_out, W_out)
return out
"""

# 05_conv_as_gemm ---------------------------------------------------------------------------------

IM2COL_LOOP_COLUMNS_BY_COLUMN = """
H, W = x.shape
H_out, W_out = H - kH + 1, W - kW + 1
columns = np.empty((kH * kW, H_out * W_out), dtype=x.dtype)
for i in range(H_out):
    for j in range(W_out):
        columns[:, j * H_out + i] = x[i : i + kH, j : j + kW].reshape(-1)  # windows numbered column by column
return columns
"""

WINDOW_VIEW_WRITEABLE = """
H, W = x.shape
s_row, s_col = x.strides
return as_strided(x, shape=(H - kH + 1, W - kW + 1, kH, kW), strides=(s_row, s_col, s_row, s_col))  # writeable
"""

EINSUM_DILATION_IGNORED = """
N, C, H, W = x.shape
C_out, _, kH, kW = w.shape
x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
H_out = (x.shape[2] - dilation * (kH - 1) - 1) // stride + 1
W_out = (x.shape[3] - dilation * (kW - 1) - 1) // stride + 1
s_n, s_c, s_h, s_w = x.strides
windows = as_strided(
    x,
    shape=(N, C, H_out, W_out, kH, kW),
    strides=(s_n, s_c, stride * s_h, stride * s_w, s_h, s_w),  # the kernel's taps always adjacent
    writeable=False,
)
out = np.einsum("nchwij,ocij->nohw", windows, w, optimize=True)
if bias is not None:
    out = out + bias.reshape(1, C_out, 1, 1)
return out
"""

BACKWARD_KERNEL_NOT_ROTATED = """
N, C, H, W = x.shape
C_out, _, kH, kW = w.shape
s, p = stride, padding
x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
dw = conv2d_einsum(x_pad.transpose(1, 0, 2, 3), dy.transpose(1, 0, 2, 3), dilation=s)
dw = dw[:, :, :kH, :kW].transpose(1, 0, 2, 3)
H_out, W_out = dy.shape[2:]
dy_up = np.zeros((N, C_out, (H_out - 1) * s + 1, (W_out - 1) * s + 1), dtype=dy.dtype)
dy_up[:, :, ::s, ::s] = dy
dy_full = np.pad(dy_up, ((0, 0), (0, 0), (kH - 1, kH - 1), (kW - 1, kW - 1)))
w_rot = w.transpose(1, 0, 2, 3)  # the channels swapped, but the kernel not rotated by 180 degrees
dx_reached = conv2d_einsum(dy_full, w_rot)
dx_pad = np.zeros_like(x_pad)
dx_pad[:, :, : dx_reached.shape[2], : dx_reached.shape[3]] = dx_reached
return dx_pad[:, :, p : p + H, p : p + W], dw
"""

CONV1X1_RESHAPE_FOR_TRANSPOSE = """
N, C_in, H, W = x.shape
C_out = w.shape[0]
pixels = x.reshape(N, H * W, C_in)  # reshape where a transpose was needed: channels and pixels mixed
return (pixels @ w.reshape(C_out, C_in).T).transpose(0, 2, 1).reshape(N, C_out, H, W)
"""

PARAM_COUNT_GROUPS_IGNORED = """
return C_out * C_in * k * k + (C_out if bias else 0)  # every filter sees all C_in channels
"""

WINOGRAD_DIRECT_SIX_MULTIPLICATIONS = """
d0, d1, d2, d3 = d
g0, g1, g2 = g
return [d0 * g0 + d1 * g1 + d2 * g2, d1 * g0 + d2 * g1 + d3 * g2]  # right numbers, 6 multiplications
"""

WINOGRAD_2D_KERNEL_TRANSFORMED_ON_ONE_SIDE = """
tile = np.asarray(tile, dtype=object)
U = G @ np.asarray(kernel, dtype=float)  # G g without the G^T on the right: (4, 3)

def data_transform(v):
    return np.array([v[0] - v[2], v[1] + v[2], v[2] - v[1], v[1] - v[3]], dtype=object)

def output_transform(m):
    return np.array([m[0] + m[1] + m[2], m[1] - m[2] - m[3]], dtype=object)

V = data_transform(data_transform(tile).T).T
M = U * V
return output_transform(output_transform(M).T).T
"""

# 06_im2col_matrix --------------------------------------------------------------------------------

DENSE_ROW_STRIDE_H = """
_, C, H, W = X.shape
out_H, out_W = H - K + 1, W - K + 1
P = out_H * out_W
M = np.zeros((C * H * W, P * C * K * K))
col = 0
for p in range(P):
    top, left = divmod(p, out_W)
    for c in range(C):
        for i in range(K):
            for j in range(K):
                M[c * H * W + (top + i) * H + (left + j), col] = 1.0  # a row is W pixels long, not H
                col += 1
return M
"""

SPARSE_CHANNEL_LOOP_OUTSIDE = """
_, C, H, W = X.shape
out_H, out_W = H - K + 1, W - K + 1
P = out_H * out_W
rows = []
for c in range(C):  # the loops swapped: the columns come channel by channel, not patch by patch
    for p in range(P):
        top, left = divmod(p, out_W)
        for i in range(K):
            for j in range(K):
                rows.append(c * H * W + (top + i) * W + (left + j))
cols = np.arange(len(rows))
return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(C * H * W, P * C * K * K))
"""

KERNEL_CORNERS_SWAPPED = """
kernel = np.zeros((2, 2, 2))
kernel[0] = [[0, 2],
             [-1, 0]]  # lower left and top right swapped
return kernel
"""

CONVOLVE_RESHAPE_WRONG_ORDER = """
N = X_patches.shape[0]
flat_patches = X_patches.reshape(N, -1, out_H * out_W).transpose(0, 2, 1)  # (N, C*K*K, P) read from (N, P, ...)
return (flat_patches @ np.reshape(kernel, -1)).reshape(N, out_H, out_W)
"""

# 07_train_cnn ------------------------------------------------------------------------------------

COUNT_PARAMETER_TENSORS = """
return len(list(model.parameters()))  # the number of parameter arrays, not of numbers
"""

ACCURACY_WRONG_AXIS = """
scores = logits.value if isinstance(logits, ag.Tensor) else np.asarray(logits)
labels = np.asarray(labels)
if scores.ndim != 2 or labels.shape != scores.shape[:1]:
    raise ValueError(f"accuracy: expected logits (N, C) and labels (N,), got {scores.shape} and {labels.shape}")
return float(np.mean(scores.argmax(axis=0) == labels))  # the best sample per class, not the best class per sample
"""

TRAIN_WITHOUT_ZERO_GRAD = """
model.train()
total_loss, seen = 0.0, 0
for x, y in loader:
    loss = loss_fn(model(x), y)  # no optimizer.zero_grad(): the gradients of all batches so far add up
    loss.backward()
    optimizer.step()
    total_loss += loss.item() * len(y)
    seen += len(y)
return total_loss / seen
"""

PREDICT_RECORDS_A_GRAPH = """
model.eval()
logits = model(x)  # without ag.no_grad(): a graph is recorded for nothing
return ag.argmax(logits, axis=1)
"""

# 08_higher_order ---------------------------------------------------------------------------------

NEWTON_WITHOUT_CREATE_GRAPH = """
y = x**4 - 2 * x**2
(gx,) = ag.grad(y, x)  # create_graph=True forgotten: f' is a number, not a graph
(gx2,) = ag.grad(gx, x)
return ag.Scalar(x.value - gx.value / gx2.value)
"""

NTH_DERIVATIVE_ONE_TOO_MANY = """
y = f(x)
for _ in range(n + 1):  # off by one: derivative n + 1
    (y,) = ag.grad(y, x, create_graph=True)
return y
"""

HVP_RETURNS_THE_GRADIENT = """
grads = ag.grad(loss_fn(*params), params, create_graph=True)
return tuple(g.value for g in grads)  # the gradient: the second ag.grad (of g . v) forgotten
"""

FEATURE_MAPS_HOOKS_LEFT = """
maps = {}
for name, module in model.named_modules():
    if isinstance(module, nn.Conv2d):
        module.register_forward_hook(lambda module, inputs, output, name=name: maps.__setitem__(name, output.value))
with ag.no_grad():
    model(x)
return maps  # the hooks never removed
"""

# delegations: agrad's own function where the exercise is to write it ------------------------------

IM2COL_STRIDE_DELEGATES = """
return agrad_im2col(x, kH, kW, stride)  # the notebook's name for agrad's im2col
"""

IM2COL_LOOP_DELEGATES = """
return im2col(x, kH, kW)  # agrad's im2col, imported at the top of the notebook
"""

EINSUM_DELEGATES_TO_AG_CONV2D = """
return ag.conv2d(x, w, bias, stride=stride, padding=padding, dilation=dilation).value
"""

CONV_BATCH_DELEGATES_TO_AG_CONV2D = """
return ag.conv2d(x, self.weight, stride=self.stride, padding=self.padding).value
"""

MAXPOOL_DELEGATES_TO_AG_MAX_POOL2D = """
return ag.max_pool2d(x, self.kernel_size, stride=self.stride, padding=self.padding).value
"""

CONV1X1_DELEGATES_TO_AG_CONV2D = """
return ag.conv2d(x, w).value
"""

DENSE_DELEGATES = """
return agrad_matrix_dense(X, K)  # the notebook's name for agrad's im2col_matrix_dense
"""

SPARSE_DELEGATES = """
return sparse.csr_matrix(agrad_matrix_dense(X, K))  # agrad's dense matrix, stored sparse
"""

SIGMOID_DELEGATES = """
return ag.sigmoid(input)  # agrad's sigmoid: its _backward is the library's
"""

HVP_DELEGATES = """
_, products = functional.hvp(loss_fn, params, vectors)  # agrad's own hvp
return products
"""
