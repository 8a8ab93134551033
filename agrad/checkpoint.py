"""Training checkpoints: one ``.npz`` (written atomically by ``nn.save``) holding everything a
run needs to continue exactly where it stopped.

Keys: ``model.<name>`` (the model's state_dict), ``optimizer.<...>`` (``optim.flatten_state_dict``),
``scheduler.<...>`` (the learning-rate scheduler's, when the run has one), ``rng.*`` (NumPy's
global generator, which drives initialisation and dropout), ``train.epoch`` (epochs completed),
``train.best_accuracy`` and ``config`` (the run's settings as JSON text).
Loading never unpickles: every entry is a plain numeric or text array.
"""

import json

import numpy as np

import nn
import optim

_RNG_FIELDS = ("keys", "pos", "has_gauss", "cached_gaussian")
# the settings ``agrad eval`` rebuilds the model and its data from
CONFIG_KEYS = ("model", "dataset", "data_dir", "classes", "normalization")


def save_checkpoint(path, model, optimizer, epoch, best_accuracy, config, scheduler=None):
    arrays = {f"model.{name}": value for name, value in model.state_dict().items()}
    arrays.update(optim.flatten_state_dict(optimizer.state_dict(), prefix="optimizer."))
    if scheduler is not None:
        arrays.update(optim.flatten_state_dict(scheduler.state_dict(), prefix="scheduler."))
    _, *rng_state = np.random.get_state()
    arrays.update({f"rng.{field}": np.asarray(value) for field, value in zip(_RNG_FIELDS, rng_state)})
    arrays["train.epoch"] = np.asarray(epoch)
    arrays["train.best_accuracy"] = np.asarray(best_accuracy, dtype=np.float64)
    arrays["config"] = np.asarray(json.dumps(config, sort_keys=True))
    nn.save(arrays, path)


def load_checkpoint(path):
    """A dict with ``config``, ``epoch``, ``best_accuracy``, ``model_state``, ``optimizer_state``,
    ``scheduler_state`` (None without a scheduler) and ``rng_state`` (for ``np.random.set_state``).
    A file that is not such a checkpoint is a ValueError naming the file and the entry at fault.
    """
    arrays = nn.load(path)
    needed = ["config", "train.epoch", "train.best_accuracy", *(f"rng.{field}" for field in _RNG_FIELDS)]
    absent = [key for key in needed if key not in arrays]
    if absent:
        raise ValueError(f"{path} is not an agrad training checkpoint (no {', '.join(map(repr, absent))} entries)")
    optimizer_arrays = {k: v for k, v in arrays.items() if k.startswith("optimizer.")}
    scheduler_arrays = {k: v for k, v in arrays.items() if k.startswith("scheduler.")}
    try:
        epoch, best_accuracy = int(arrays["train.epoch"]), float(arrays["train.best_accuracy"])
    except (TypeError, ValueError):
        raise ValueError(f"{path}: 'train.epoch' and 'train.best_accuracy' must be single numbers") from None
    return {
        "config": _config(path, arrays["config"]),
        "epoch": epoch,
        "best_accuracy": best_accuracy,
        "model_state": {k[len("model."):]: v for k, v in arrays.items() if k.startswith("model.")},
        "optimizer_state": (
            optim.unflatten_state_dict(optimizer_arrays, prefix="optimizer.") if optimizer_arrays else None
        ),
        "scheduler_state": (
            optim.unflatten_state_dict(scheduler_arrays, prefix="scheduler.") if scheduler_arrays else None
        ),
        "rng_state": ("MT19937", *(arrays[f"rng.{field}"] for field in _RNG_FIELDS)),
    }


def _config(path, entry):
    """The run's settings: a JSON object with at least the keys evaluation needs."""
    try:
        config = json.loads(str(entry)) if entry.dtype.kind == "U" and entry.ndim == 0 else None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: its 'config' entry is not JSON ({error})") from None
    if not isinstance(config, dict):
        raise ValueError(f"{path}: its 'config' entry must be a JSON object of the run's settings, got "
                         f"{str(entry)[:60]!r}")
    absent = [key for key in CONFIG_KEYS if key not in config]
    if absent:
        raise ValueError(f"{path}: its 'config' entry has no {', '.join(map(repr, absent))}")
    return config
