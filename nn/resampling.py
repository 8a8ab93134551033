"""Resampling layers: ``AdaptiveAvgPool2d``, ``AdaptiveMaxPool2d`` (any output size, PyTorch's
window rule) and ``Upsample`` (nearest or bilinear). The arithmetic is in ``nn.functional``."""

from nn import resampling_functions as R
from nn.module import Module


class AdaptiveAvgPool2d(Module):
    """Mean over adaptive windows, x: (N, C, H, W) or (C, H, W) -> (N, C, *output_size).

    ``output_size``: an int or a pair (None keeps that axis); ``AdaptiveAvgPool2d(1)`` is global
    average pooling, as at the end of a ResNet.
    """

    def __init__(self, output_size):
        super().__init__()
        R._output_size(output_size, (1, 1), "AdaptiveAvgPool2d")
        self.output_size = output_size

    def forward(self, x):
        return R.adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"

class AdaptiveMaxPool2d(Module):
    """Max over adaptive windows, x: (N, C, H, W) or (C, H, W) -> (N, C, *output_size); with
    ``return_indices`` also each maximum's flat index (row * W + column)."""

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        R._output_size(output_size, (1, 1), "AdaptiveMaxPool2d")
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, x):
        return R.adaptive_max_pool2d(x, self.output_size, return_indices=self.return_indices)

    def extra_repr(self):
        return f"output_size={self.output_size}"

class Upsample(Module):
    """Resize images to ``size`` or by ``scale_factor``, PyTorch's ``nn.Upsample``:
    x: (N, C, H, W) -> (N, C, OH, OW). ``mode``: 'nearest' (default), 'nearest-exact' or
    'bilinear' (with ``align_corners``)."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None):
        super().__init__()
        if mode not in R._MODES:
            raise ValueError(f"Upsample: mode must be one of {', '.join(R._MODES)}, got {mode!r}")
        self.size = size
        self.scale_factor = None if scale_factor is None else (
            tuple(float(s) for s in scale_factor) if isinstance(scale_factor, (tuple, list)) else float(scale_factor))
        self.mode = mode
        self.align_corners = align_corners

    def forward(self, x):
        return R.interpolate(x, self.size, self.scale_factor, self.mode, self.align_corners)

    def extra_repr(self):
        text = f"size={self.size}" if self.size is not None else f"scale_factor={self.scale_factor}"
        return text + f", mode={self.mode!r}"

__all__ = ["AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "Upsample"]
