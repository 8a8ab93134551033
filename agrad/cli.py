"""``agrad``: the command line. Each subcommand lives in its own module."""

import argparse
import sys


def build_parser():
    parser = argparse.ArgumentParser(prog="agrad", description="agrad: autograd and small CNNs in NumPy")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="train the lecture's Scalar ReLU net and a Tensor MLP")
    demo.add_argument("--epochs", type=int, default=100, help="epochs of the Scalar net")
    demo.add_argument("--seed", type=int, default=42)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        from agrad.demo import run_demo

        return run_demo(epochs=args.epochs, seed=args.seed)
    return 2


if __name__ == "__main__":
    sys.exit(main())
