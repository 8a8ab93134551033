"""``ConvAutoencoder``: strided convolutions down, transposed convolutions back up."""

from nn.activation import ReLU, Sigmoid
from nn.container import Sequential
from nn.conv import Conv2d
from nn.conv_transpose import ConvTranspose2d
from nn.module import Module


class ConvAutoencoder(Module):
    """x: (N, in_channels, H, W) with H, W divisible by 4 -> a reconstruction of the same shape.

    encoder: Conv2d(in, c1, 3, stride 2, padding 1) -> ReLU -> Conv2d(c1, c2, 3, stride 2, padding 1)
             -> ReLU                                                     (N, c2, H/4, W/4)
    decoder: ConvTranspose2d(c2, c1, 3, stride 2, padding 1, output_padding 1) -> ReLU
             -> ConvTranspose2d(c1, in, 3, stride 2, padding 1, output_padding 1) -> Sigmoid
    Defaults c1=16, c2=32; outputs in (0, 1), for inputs scaled to [0, 1] (train with MSELoss or
    BCELoss). ``encode`` / ``decode`` give the halves. state_dict keys: encoder.{0,2}.*,
    decoder.{0,2}.*.
    """

    def __init__(self, in_channels=1, channels=(16, 32)):
        super().__init__()
        c1, c2 = channels
        self.encoder = Sequential(
            Conv2d(in_channels, c1, 3, stride=2, padding=1), ReLU(),
            Conv2d(c1, c2, 3, stride=2, padding=1), ReLU(),
        )
        self.decoder = Sequential(
            ConvTranspose2d(c2, c1, 3, stride=2, padding=1, output_padding=1), ReLU(),
            ConvTranspose2d(c1, in_channels, 3, stride=2, padding=1, output_padding=1), Sigmoid(),
        )

    def encode(self, x):
        """The encoder half: x: (N, in_channels, H, W) -> z: (N, c2, H/4, W/4)."""
        return self.encoder(x)

    def decode(self, z):
        """The decoder half: z: (N, c2, h, w) -> (N, in_channels, 4h, 4w), values in (0, 1)."""
        return self.decoder(z)

    def forward(self, x):
        return self.decoder(self.encoder(x))
