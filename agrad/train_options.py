"""The optional parts of ``agrad train``: the learning-rate schedule (``--scheduler``,
``--warmup-epochs``) and augmentation (``--augment``)."""

from nn.data.transforms import Compose, RandomCrop, RandomHorizontalFlip
from optim import lr_scheduler

SCHEDULERS = ("none", "step", "cosine", "onecycle")


def check_schedule(name, warmup_epochs, epochs):
    if name not in SCHEDULERS:
        raise ValueError(f"--scheduler: unknown schedule {name!r}; known: {', '.join(SCHEDULERS)}")
    if isinstance(warmup_epochs, bool) or not isinstance(warmup_epochs, int) or warmup_epochs < 0:
        raise ValueError(f"--warmup-epochs must be a non-negative integer, got {warmup_epochs!r}")
    if name == "onecycle" and warmup_epochs:
        raise ValueError("--warmup-epochs: the onecycle schedule has its own warm-up (the first 30% of the steps); "
                         "drop --warmup-epochs or pick another --scheduler")
    if warmup_epochs and warmup_epochs >= epochs and name != "none":
        raise ValueError(f"--warmup-epochs {warmup_epochs} leaves no epoch of --epochs {epochs} for the "
                         f"{name} schedule")


def make_scheduler(optimizer, name, warmup_epochs, epochs, steps_per_epoch):
    """(scheduler or None, whether it steps after every batch rather than every epoch).

    step:     x0.1 at 50% and 75% of the epochs after the warm-up (MultiStepLR);
    cosine:   cosine annealing to 0 over the epochs after the warm-up;
    onecycle: OneCycleLR up to --lr and down over every batch of the run;
    warm-up:  LinearLR from 0.1 x --lr to --lr over ``warmup_epochs``, then the schedule (SequentialLR).
    """
    check_schedule(name, warmup_epochs, epochs)
    if name == "onecycle":
        lr = optimizer.param_groups[0]["lr"]
        return lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=epochs * steps_per_epoch), True
    rest = epochs - warmup_epochs
    main = None
    if name == "step":
        milestones = sorted({max(1, rest // 2), max(1, rest * 3 // 4)})
        main = lr_scheduler.MultiStepLR(optimizer, milestones=milestones, gamma=0.1)
    elif name == "cosine":
        main = lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(1, rest))
    if not warmup_epochs:
        return main, False
    warmup = lr_scheduler.LinearLR(optimizer, start_factor=0.1, end_factor=1.0, total_iters=warmup_epochs)
    if main is None:
        return warmup, False
    return lr_scheduler.SequentialLR(optimizer, [warmup, main], milestones=[warmup_epochs]), False


def augmentation(train_set, dataset_name):
    """Random crops (4 pixels of zero padding) and horizontal flips, then the split's own
    normalisation, which moves from the dataset to the end of the chain so that the padding is
    black as in torchvision. For 32x32 images (CIFAR-10)."""
    height, width = train_set.image_shape[1:]
    if (height, width) != (32, 32):
        raise ValueError(f"--augment (random crops and horizontal flips) is for 32x32 datasets such as cifar10; "
                         f"{dataset_name} has {height}x{width} images (flipping digits would change them)")
    steps = [RandomCrop((height, width), padding=4), RandomHorizontalFlip()]
    if train_set.transform is not None:
        steps.append(train_set.transform)
        train_set.transform = None
    return Compose(steps)


__all__ = ["SCHEDULERS", "augmentation", "check_schedule", "make_scheduler"]
