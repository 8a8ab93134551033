"""``--model path/to/file.py:ClassName`` or ``--model package.module:factory``: a student's own
``nn.Module`` for ``agrad train`` and ``agrad eval``.

The part after the colon names a Module subclass or a function returning a Module. It is called
with ``num_classes`` and ``in_channels`` when its signature takes them (or ``**kwargs``), else
with no arguments. A file spec is recorded with its absolute path, so ``agrad eval`` and
``--resume`` rebuild the same model from any directory.

Importing the file runs its code, as ``python file.py`` would: only name files you trust.
"""

import importlib
import importlib.util
import inspect
import sys
from pathlib import Path

import numpy as np

import autograd as ag
import nn


def is_model_spec(name):
    """Whether ``--model name`` names user code (``file.py:Name`` or ``module:name``)."""
    return isinstance(name, str) and ":" in name


def _split(spec):
    source, _, attribute = spec.rpartition(":")
    if not source or not attribute.isidentifier():
        raise ValueError(f"--model {spec!r}: expected path/to/file.py:ClassName or package.module:factory")
    return source, attribute


def normalize_spec(spec):
    """The spec with a file's path made absolute (a module path is kept as it is)."""
    source, attribute = _split(spec)
    if source.endswith(".py"):
        return f"{Path(source).expanduser().resolve()}:{attribute}"
    return spec


def spec_short_name(spec):
    """The attribute's name, for run directories: ``'models.py:TinyNet'`` -> ``'TinyNet'``."""
    return _split(spec)[1]


def _load_source(spec, source):
    if source.endswith(".py"):
        path = Path(source).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"--model {spec!r}: the model file {str(path)!r} does not exist")
        name = f"agrad_user_model_{abs(hash(str(path.resolve())))}"
        loader_spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[name] = module  # dataclasses and pickling-free helpers look their module up here
        try:
            loader_spec.loader.exec_module(module)
        except Exception as error:
            sys.modules.pop(name, None)
            raise ValueError(f"--model {spec!r}: importing {str(path)!r} failed: "
                             f"{type(error).__name__}: {error}") from error
        return module
    try:
        return importlib.import_module(source)
    except ImportError as error:
        raise ValueError(f"--model {spec!r}: cannot import module {source!r}: {error}") from error


def _call(spec, factory, num_classes, in_channels):
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        parameters = {}
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    offered = {"num_classes": num_classes, "in_channels": in_channels}
    kwargs = {k: v for k, v in offered.items() if takes_any or k in parameters}
    try:
        return factory(**kwargs)
    except Exception as error:
        raise ValueError(f"--model {spec!r}: building the model failed: {type(error).__name__}: {error}") from error


def build_from_spec(spec, image_shape, num_classes):
    """The Module ``spec`` names, checked on one zero image of ``image_shape`` = (C, H, W): its
    output must be (1, num_classes) logits."""
    source, attribute = _split(spec)
    module = _load_source(spec, source)
    if not hasattr(module, attribute):
        defined = sorted(n for n, v in vars(module).items()
                         if not n.startswith("_") and (inspect.isclass(v) or inspect.isfunction(v))
                         and getattr(v, "__module__", None) == module.__name__)
        raise ValueError(f"--model {spec!r}: {source!r} has no {attribute!r} "
                         f"(it defines: {', '.join(defined) or 'no classes or functions'})")
    factory = getattr(module, attribute)
    if not callable(factory):
        raise ValueError(f"--model {spec!r}: {attribute!r} is a {type(factory).__name__}, not a class or function")
    model = _call(spec, factory, num_classes, image_shape[0])
    if not isinstance(model, nn.Module):
        raise ValueError(f"--model {spec!r}: {attribute} gave a {type(model).__name__}, expected an nn.Module")
    _check_output(spec, model, image_shape, num_classes)
    return model


def _check_output(spec, model, image_shape, num_classes):
    was_training = model.training
    model.eval()
    probe = ag.Tensor(np.zeros((1, *image_shape), dtype=np.float32), requires_grad=False)
    try:
        with ag.no_grad():
            output = model(probe)
    except Exception as error:
        raise ValueError(f"--model {spec!r}: the model fails on one {tuple(image_shape)} image of the dataset: "
                         f"{type(error).__name__}: {error}") from error
    finally:
        model.train(was_training)
    shape = getattr(output, "shape", None)
    if shape != (1, num_classes):
        raise ValueError(f"--model {spec!r}: for one {tuple(image_shape)} image the model returns "
                         f"{'shape ' + str(shape) if shape is not None else type(output).__name__}, but the "
                         f"dataset has {num_classes} classes: expected logits of shape (1, {num_classes})")
