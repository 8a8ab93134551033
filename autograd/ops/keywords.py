"""PyTorch's keyword names for agrad's arguments (``dim=`` for ``axis=``, ``keepdim=`` for
``keepdims=``, ...), accepted by the reductions and their Tensor methods.

A decorator rather than extra parameters in each function: it sees which spellings were actually
passed, so ``sum(x, axis=1, dim=1)`` is an error even where a value equals the default, and one
function states the rule for all of them. Nothing here builds a Tensor, so ``tensor_methods`` can
use it while ``Tensor`` is being defined.
"""

import contextlib
import functools
import inspect
import re


def torch_keywords(op=None, /, **aliases):
    """Let the decorated function also take PyTorch's keyword names.

    op: the name errors give (the function's own by default; ``"Tensor.sum"`` for a method).
    aliases: ``torch_name="name"`` (torch's keyword means the same as agrad's ``name``), or
    ``torch_name=("name", convert)`` where torch's value needs ``convert(value, op)`` first (``var``'s
    ``unbiased=True`` is ``ddof=1``). Giving one argument under two spellings is a TypeError naming
    ``op``; a torch keyword given as None counts as not given. The errors of a call made with torch's
    keywords name them (``Tensor.sum: dim 2 is out of range``). The decorated function's signature
    and docstring list the torch names (default None).
    """
    targets = {t: a if isinstance(a, tuple) else (a, None) for t, a in aliases.items()}

    def decorate(fn):
        name_of_op = op or fn.__name__
        signature = inspect.signature(fn)
        positions = {name: i for i, name in enumerate(signature.parameters)}

        @functools.wraps(fn)
        def with_torch_names(*args, **kwargs):
            # the common call, positional or with agrad's keywords only, goes straight through
            if not kwargs or kwargs.keys().isdisjoint(targets):
                return fn(*args, **kwargs)
            spelled = {}  # agrad name -> the torch keyword that gave it
            for torch_name, (name, convert) in targets.items():
                value = kwargs.pop(torch_name, None)
                if value is None:
                    continue
                if name in kwargs or positions[name] < len(args):
                    earlier = f"{spelled[name]}=" if name in spelled else (
                        f"{name}=" if name in kwargs else f"{name} (by position)")
                    raise TypeError(f"{name_of_op}: got {name} twice, as {earlier} and as {torch_name}= "
                                    "(PyTorch's spelling); pass one of them")
                if convert is None:
                    kwargs[name], spelled[name] = value, torch_name
                else:  # a converted value (unbiased=True as ddof=1) keeps agrad's name in messages
                    kwargs[name] = convert(value, name_of_op)
            try:
                return fn(*args, **kwargs)
            except (TypeError, ValueError, IndexError) as error:
                raise renamed(error, name_of_op, fn.__name__, spelled) from None

        extra = [inspect.Parameter(t, inspect.Parameter.KEYWORD_ONLY, default=None) for t in targets]
        with_torch_names.__signature__ = signature.replace(parameters=[*signature.parameters.values(), *extra])
        spelled = ", ".join(f"{t}= for {name}=" for t, (name, _) in targets.items())
        with_torch_names.__doc__ = (
            f"{inspect.getdoc(fn)}\n\nPyTorch's keywords work too (default None: not given): {spelled}; "
            "one argument given under two spellings is a TypeError."
        )
        return with_torch_names

    return decorate


@contextlib.contextmanager
def called_as(name, op, **words):
    """Errors of ``op`` reported as coming from ``name``, the alias the user called, with the
    argument names in ``words`` (``axis="dim"``) in torch's spelling: ``cat: dim 3 is out of range``
    rather than ``concatenate: axis 3 ...``, which would send them looking for a call they never made."""
    try:
        yield
    except (TypeError, ValueError, IndexError) as error:
        raise renamed(error, name, op, words) from None


def renamed(error, name, op, words):
    """``error`` as ``called_as`` reports it, or itself when it is not ``op``'s own (a subclass, or
    another function's message). Only the argument names are respaced, not quoted values."""
    message = str(error)
    if type(error) not in (TypeError, ValueError, IndexError) or not message.startswith(f"{op}:"):
        return error
    message = name + message[len(op):]
    for word, torch_word in words.items():
        message = re.sub(rf"(?<!['\"])\b{word}\b(?!['\"])", torch_word, message)
    return type(error)(message)


def unbiased_ddof(unbiased, op):
    """torch.var's ``unbiased`` as agrad's ``ddof``: True (Bessel's correction) is 1, False is 0."""
    if type(unbiased) is not bool:  # 1 or "yes" would be a guess at what was meant
        raise TypeError(f"{op}: unbiased must be True or False, got {type(unbiased).__name__} {unbiased!r}")
    return int(unbiased)


# the aliases of the reductions: over axes, and along the one axis of softmax and log_softmax
DIMS = {"dim": "axis", "keepdim": "keepdims"}
DIM = {"dim": "axis"}
VAR = {**DIMS, "correction": "ddof", "unbiased": ("ddof", unbiased_ddof)}
