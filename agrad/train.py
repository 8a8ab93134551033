"""``agrad train``: train a model on a dataset, the main job.

    agrad train --model lenet5 --dataset digits --epochs 10 --batch-size 64 \\
                --optimizer adam --lr 1e-3 --seed 0 --out runs/lenet5-digits

writes into ``--out``: ``metrics.json`` (one entry per epoch), ``last.npz`` (after every epoch),
``best.npz`` (best test accuracy so far) and ``curves.png``. Every file is written atomically,
so Ctrl-C leaves the last good checkpoint intact; ``--resume`` continues from ``last.npz`` and
gives the same result as an uninterrupted run with the same seed.
"""

import argparse
import contextlib
import json
import os
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

import autograd as ag
import nn
import optim
from agrad.checkpoint import load_checkpoint, save_checkpoint
from agrad.evaluate import evaluate
from agrad.files import write_json_atomically
from agrad.model_spec import is_model_spec, normalize_spec, spec_short_name
from agrad.options import check_positive_int, check_run_directory, command_line_message
from agrad.plots import save_curves
from agrad.registry import MODEL_NAMES, build_model, check_model_name, load_splits
from agrad.train_options import SCHEDULERS, augmentation, check_schedule, make_scheduler
from autograd.files import remove_stale_temporaries
from nn.data import DataLoader

OPTIMIZERS = {"sgd": optim.SGD, "adam": optim.Adam, "adamw": optim.AdamW, "rmsprop": optim.RMSprop}
# settings a resumed run must share with the run it continues
RESUME_KEYS = ("model", "dataset", "batch_size", "optimizer", "lr", "momentum", "weight_decay", "seed")
# later options, with the value a checkpoint written before them implies
RESUME_DEFAULTS = {"scheduler": "none", "warmup_epochs": 0, "augment": False, "grad_clip": None}


def make_optimizer(name, parameters, lr, momentum=0.0, weight_decay=0.0):
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; known optimizers: {', '.join(OPTIMIZERS)}")
    options = {"lr": lr, "weight_decay": weight_decay}
    if name in ("sgd", "rmsprop"):
        options["momentum"] = momentum
    return OPTIMIZERS[name](parameters, **options)


def train(config, progress=True, log=print):
    """Run the training ``config`` describes (the command's options as a dict); returns the
    per-epoch history. Raises ValueError / FileNotFoundError for bad settings or missing data."""
    out = check_settings(config)
    config = {**RESUME_DEFAULTS, **config}
    if is_model_spec(config["model"]):  # recorded with an absolute path: eval and resume find it anywhere
        config["model"] = normalize_spec(config["model"])
    check_schedule(config["scheduler"], config["warmup_epochs"], config["epochs"])
    train_set, test_set, normalization = load_splits(
        config["model"], config["dataset"], config["data_dir"], config["download"]
    )
    config = {**config, "classes": list(train_set.classes), "normalization": normalization}

    np.random.seed(config["seed"])  # initialisation (and dropout) draw from NumPy's global generator
    model = build_model(config["model"], train_set.image_shape, len(config["classes"]))
    optimizer = make_optimizer(config["optimizer"], model.parameters(), config["lr"],
                               config["momentum"], config["weight_decay"])
    loss_fn = nn.CrossEntropyLoss()
    loader = DataLoader(train_set, batch_size=config["batch_size"], shuffle=True, seed=config["seed"])
    test_loader = DataLoader(test_set, batch_size=512)
    if config["augment"]:
        loader.transform = augmentation(train_set, config["dataset"])
    scheduler, per_batch = make_scheduler(optimizer, config["scheduler"], config["warmup_epochs"], config["epochs"],
                                          len(loader))

    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)  # left by a run killed while writing (kill -9, power cut)
    history, best_accuracy, start_epoch = [], -1.0, 0
    if config["resume"] and not (out / "last.npz").exists():
        log(f"--resume: no checkpoint {out / 'last.npz'} yet; starting a new run")
    elif config["resume"]:
        start_epoch, best_accuracy, history = _restore(out, config, model, optimizer, scheduler)
        log(f"resuming {out / 'last.npz'} after epoch {start_epoch}")
        if start_epoch >= config["epochs"]:
            log(f"nothing to train: the run already has {start_epoch} epochs (--epochs {config['epochs']})")
    loader.epoch = start_epoch

    for epoch in range(start_epoch, config["epochs"]):
        started = time.perf_counter()
        train_loss, train_accuracy = train_one_epoch(model, loader, loss_fn, optimizer,
                                                      f"epoch {epoch + 1}/{config['epochs']}", progress,
                                                      scheduler if per_batch else None, config["grad_clip"])
        if scheduler is not None and not per_batch:
            scheduler.step()
        seconds = time.perf_counter() - started
        test_loss, test_accuracy, _, _ = evaluate(model, test_loader)
        history.append({
            "epoch": epoch + 1, "train_loss": train_loss, "train_accuracy": train_accuracy,
            "test_loss": test_loss, "test_accuracy": test_accuracy, "seconds": seconds,
        })
        log(f"epoch {epoch + 1}: train loss {train_loss:.4f} acc {train_accuracy:.4f} | "
            f"test loss {test_loss:.4f} acc {test_accuracy:.4f} | {seconds:.2f} s")
        write_json_atomically(out / "metrics.json", {"config": config, "epochs": history})
        if test_accuracy > best_accuracy:
            best_accuracy = test_accuracy
            save_checkpoint(out / "best.npz", model, optimizer, epoch + 1, best_accuracy, config, scheduler)
        save_checkpoint(out / "last.npz", model, optimizer, epoch + 1, best_accuracy, config, scheduler)
        save_curves(history, out / "curves.png")
    return history


def check_settings(config):
    """Every setting checked before anything is loaded or written; returns the run directory."""
    check_model_name(config["model"])
    for key in ("epochs", "batch_size"):
        check_positive_int(config[key], "--" + key.replace("_", "-"))
    return check_run_directory(config["out"])


def train_one_epoch(model, loader, loss_fn, optimizer, description="", progress=False, batch_scheduler=None,
                    grad_clip=None):
    """One pass over ``loader`` in train mode; returns (mean loss, accuracy) over its samples.

    ``grad_clip``: clip the gradients' joint 2-norm to it before each step; ``batch_scheduler``:
    a learning-rate scheduler stepped after every batch (OneCycleLR)."""
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    batches = tqdm(loader, desc=description, disable=not progress, leave=False, unit="batch")
    for x, y in batches:
        logits = model(x)
        loss = loss_fn(logits, y)
        optimizer.zero_grad()
        loss.backward()
        if grad_clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
        optimizer.step()
        if batch_scheduler is not None:
            batch_scheduler.step()
        total_loss += loss.item() * len(y)
        correct += int((logits.value.argmax(axis=1) == y).sum())
        seen += len(y)
        batches.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.4f}")
    if seen == 0:
        raise ValueError("train_one_epoch: the loader gave no batches (an empty dataset, or drop_last with "
                         "fewer samples than batch_size)")
    return total_loss / seen, correct / seen


def _restore(out, config, model, optimizer, scheduler=None):
    checkpoint_path = out / "last.npz"
    checkpoint = load_checkpoint(checkpoint_path)
    saved = checkpoint["config"]
    different = [k for k in RESUME_KEYS if saved.get(k) != config.get(k)]
    different += [k for k, default in RESUME_DEFAULTS.items() if saved.get(k, default) != config.get(k, default)]
    if config.get("scheduler", "none") != "none" and saved.get("epochs") != config.get("epochs"):
        different.append("epochs")  # the schedule is laid out over the run's epochs
    if different:
        changes = ", ".join(f"{k}: {saved.get(k, RESUME_DEFAULTS.get(k))!r} -> {config.get(k)!r}" for k in different)
        raise ValueError(f"--resume: {checkpoint_path} was trained with other settings ({changes})")
    model.load_state_dict(checkpoint["model_state"])
    optimizer.load_state_dict(checkpoint["optimizer_state"])
    if scheduler is not None:
        scheduler.load_state_dict(checkpoint["scheduler_state"])
    np.random.set_state(checkpoint["rng_state"])
    history = []
    metrics_path = out / "metrics.json"
    if metrics_path.exists():
        history = json.loads(metrics_path.read_text())["epochs"][: checkpoint["epoch"]]
    return checkpoint["epoch"], checkpoint["best_accuracy"], history


def register(subcommands):
    parser = subcommands.add_parser("train", help="train a model (default: LeNet-5 on the bundled digits)")
    parser.add_argument("--model", default="lenet5", help=f"one of {', '.join(MODEL_NAMES)} (default lenet5), or your "
                        "own nn.Module: path/to/file.py:ClassName or package.module:factory")
    parser.add_argument("--dataset", default="digits", help="digits, mnist, fashion-mnist or cifar10 (default digits)")
    parser.add_argument("--data-dir", default="data",
                        help="where MNIST/Fashion-MNIST/CIFAR-10 files are (default data)")
    parser.add_argument("--download", action="store_true", help="fetch missing dataset files")
    parser.add_argument("--epochs", type=int, default=10, help="passes over the training split (default 10)")
    parser.add_argument("--batch-size", type=int, default=64, help="images per step (default 64)")
    parser.add_argument("--optimizer", default="adam", help=f"one of {', '.join(OPTIMIZERS)} (default adam)")
    parser.add_argument("--lr", type=float, default=1e-3, help="learning rate (default 1e-3)")
    parser.add_argument("--momentum", type=float, default=0.9, help="for sgd and rmsprop (default 0.9)")
    parser.add_argument("--weight-decay", type=float, default=0.0, help="the optimizer's weight_decay (default 0)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seeds the weights, dropout and the batch order (default 0)")
    parser.add_argument("--scheduler", choices=SCHEDULERS, default="none",
                        help="learning-rate schedule: step (x0.1 at 50%% and 75%%), cosine, onecycle (per batch) "
                             "(default none)")
    parser.add_argument("--warmup-epochs", type=int, default=0,
                        help="linear warm-up from 0.1 x lr, not with onecycle (default 0)")
    parser.add_argument("--grad-clip", type=float, default=None,
                        help="clip the gradients' 2-norm to this (default: no clipping)")
    parser.add_argument("--augment", action="store_true", help="random crops and flips (32x32 datasets)")
    parser.add_argument("--out", default=None, help="run directory (default runs/MODEL-DATASET)")
    parser.add_argument("--resume", action="store_true", help="continue from OUT/last.npz")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    parser.add_argument("--threads", type=_threads, default="auto",
                        help="threads for the convolutions and pools: N of agrad's own with BLAS on one each "
                             "(ag.use_threads), 'auto' (the default: one per CPU core available), or 'blas' "
                             "(BLAS's own threads)")
    parser.set_defaults(run=run)


def _threads(text):
    """--threads: 'auto', 'blas' or a positive int."""
    if text in ("auto", "blas"):
        return text
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive int, 'auto' or 'blas', got {text!r}")
    return int(text)


def thread_count(setting):
    """--threads as ``ag.use_threads``'s argument (None: BLAS's own threads)."""
    if setting == "blas":
        return None
    if setting == "auto":
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return setting


def run(args):
    config = {
        "model": args.model, "dataset": args.dataset, "data_dir": args.data_dir, "download": args.download,
        "epochs": args.epochs, "batch_size": args.batch_size, "optimizer": args.optimizer, "lr": args.lr,
        "momentum": args.momentum, "weight_decay": args.weight_decay, "seed": args.seed,
        "out": args.out or f"runs/{_run_name(args.model)}-{args.dataset}", "resume": args.resume,
        "scheduler": args.scheduler, "warmup_epochs": args.warmup_epochs, "grad_clip": args.grad_clip,
        "augment": args.augment,
    }
    ag.keep_freed_memory()  # a training process: the memory one step frees serves the next
    threads = thread_count(args.threads)
    # as a block: whatever a Python caller had chosen is back after the run
    try:
        with ag.use_threads(threads) if threads else contextlib.nullcontext():
            history = train(config, progress=not args.no_progress)
    except KeyboardInterrupt:
        print(f"\ninterrupted: the last good checkpoint is {Path(config['out']) / 'last.npz'}; "
              "continue with --resume")
        return 130
    except (OSError, ValueError) as error:  # bad settings, missing data, an unwritable --out
        print(f"agrad train: {command_line_message(error)}")
        return 2
    if history:
        best = max(row["test_accuracy"] for row in history)
        per_epoch = np.mean([row["seconds"] for row in history])
        print(f"best test accuracy {best:.4f}; {per_epoch:.2f} s per epoch; outputs in {config['out']}")
    return 0


def _run_name(model):
    return spec_short_name(model) if is_model_spec(model) else model
