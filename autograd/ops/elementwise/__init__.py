"""Elementwise ops, in two modules: ``binary`` (arithmetic with broadcasting, maximum/minimum,
where) and ``unary`` (neg and the functions exp, log, sqrt, abs, tanh, sigmoid, relu, clip,
astype, clone). Both are re-exported here, so ``autograd.ops.elementwise.add`` is the one name to use."""

from autograd.ops.elementwise.binary import add as add
from autograd.ops.elementwise.binary import div as div
from autograd.ops.elementwise.binary import maximum as maximum
from autograd.ops.elementwise.binary import minimum as minimum
from autograd.ops.elementwise.binary import mul as mul
from autograd.ops.elementwise.binary import power as power
from autograd.ops.elementwise.binary import sub as sub
from autograd.ops.elementwise.binary import where as where
from autograd.ops.elementwise.unary import abs as abs
from autograd.ops.elementwise.unary import astype as astype
from autograd.ops.elementwise.unary import clip as clip
from autograd.ops.elementwise.unary import clone as clone
from autograd.ops.elementwise.unary import exp as exp
from autograd.ops.elementwise.unary import log as log
from autograd.ops.elementwise.unary import neg as neg
from autograd.ops.elementwise.unary import relu as relu
from autograd.ops.elementwise.unary import sigmoid as sigmoid
from autograd.ops.elementwise.unary import sqrt as sqrt
from autograd.ops.elementwise.unary import tanh as tanh
