"""``agrad eval --checkpoint PATH``: test accuracy and confusion matrix of a trained model."""

import numpy as np

import autograd as ag
import nn
from agrad.checkpoint import load_checkpoint
from agrad.options import check_positive_int, command_line_message
from agrad.registry import build_model, load_splits
from nn.data import DataLoader


def evaluate(model, loader):
    """(mean cross-entropy, accuracy, predicted labels, true labels) of ``model`` over ``loader``,
    in eval mode and without building a graph."""
    was_training = model.training
    model.eval()
    total_loss, predictions, labels = 0.0, [], []
    with ag.no_grad():
        for x, y in loader:
            logits = model(x)
            total_loss += nn.functional.cross_entropy(logits, y, reduction="sum").item()
            predictions.append(ag.argmax(logits, axis=1))
            labels.append(y)
    model.train(was_training)
    predictions, labels = np.concatenate(predictions), np.concatenate(labels)
    return total_loss / len(labels), float(np.mean(predictions == labels)), predictions, labels


def confusion_matrix(labels, predictions, num_classes):
    """counts[i, j]: samples of class i predicted as j."""
    return np.bincount(labels * num_classes + predictions, minlength=num_classes**2).reshape(num_classes, num_classes)


def format_confusion(matrix, class_names):
    width = max(5, *(len(str(n)) for n in class_names), len(str(matrix.max())) + 1)
    header = "true\\pred".ljust(10) + "".join(str(n).rjust(width) for n in class_names)
    rows = [str(name).ljust(10) + "".join(str(c).rjust(width) for c in row) for name, row in zip(class_names, matrix)]
    return "\n".join([header, *rows])


def register(subcommands):
    parser = subcommands.add_parser("eval", help="test accuracy and confusion matrix of a checkpoint")
    parser.add_argument("--checkpoint", required=True, help="a .npz written by agrad train")
    parser.add_argument("--dataset", help="dataset name (default: the one it was trained on)")
    parser.add_argument("--data-dir", default=None,
                        help="where the dataset's files are (default: the one it was trained with)")
    parser.add_argument("--split", choices=("test", "train"), default="test",
                        help="which split to score (default test)")
    parser.add_argument("--batch-size", type=int, default=512, help="images per forward pass (default 512)")
    parser.set_defaults(run=run)


def run(args):
    try:
        check_positive_int(args.batch_size, "--batch-size")
        checkpoint = load_checkpoint(args.checkpoint)
        config = checkpoint["config"]
        dataset = args.dataset or config["dataset"]
        train_set, test_set, _ = load_splits(config["model"], dataset, args.data_dir or config["data_dir"],
                                             normalization=config["normalization"])
        data = test_set if args.split == "test" else train_set
        model = build_model(config["model"], data.image_shape, len(config["classes"]))
        model.load_state_dict(checkpoint["model_state"])
    except (OSError, ValueError, KeyError) as error:
        print(f"agrad eval: {command_line_message(error, 'agrad train --download')}")
        return 2
    _, accuracy, predictions, labels = evaluate(model, DataLoader(data, batch_size=args.batch_size))
    classes = getattr(data, "classes", None) or config["classes"]
    print(f"{config['model']} on {dataset} ({args.split}, {len(labels)} samples): accuracy {accuracy:.4f}")
    print(format_confusion(confusion_matrix(labels, predictions, len(classes)), classes))
    return 0
