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
    ``scheduler_state`` (None without a scheduler) and ``rng_state`` (for ``np.random.set_state``)."""
    arrays = nn.load(path)
    if "config" not in arrays or "train.epoch" not in arrays:
        raise ValueError(f"{path} is not an agrad training checkpoint (no 'config' / 'train.epoch' entries)")
    optimizer_arrays = {k: v for k, v in arrays.items() if k.startswith("optimizer.")}
    scheduler_arrays = {k: v for k, v in arrays.items() if k.startswith("scheduler.")}
    return {
        "config": json.loads(str(arrays["config"])),
        "epoch": int(arrays["train.epoch"]),
        "best_accuracy": float(arrays["train.best_accuracy"]),
        "model_state": {k[len("model."):]: v for k, v in arrays.items() if k.startswith("model.")},
        "optimizer_state": (
            optim.unflatten_state_dict(optimizer_arrays, prefix="optimizer.") if optimizer_arrays else None
        ),
        "scheduler_state": (
            optim.unflatten_state_dict(scheduler_arrays, prefix="scheduler.") if scheduler_arrays else None
        ),
        "rng_state": ("MT19937", *(arrays[f"rng.{field}"] for field in _RNG_FIELDS)),
    }
