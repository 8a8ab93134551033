"""``agrad``: the command line (``agrad ...`` or ``python -m agrad ...``).

Each subcommand is a module of this package with ``register(subcommands)``, which adds its
parser and sets ``run`` (a function of the parsed arguments returning an exit code).
"""

import argparse
import importlib
import sys

SUBCOMMAND_MODULES = ["agrad.train", "agrad.evaluate", "agrad.graph_command", "agrad.exercises", "agrad.demo"]


def build_parser():
    parser = argparse.ArgumentParser(prog="agrad", description="agrad: autograd and small CNNs in NumPy")
    subcommands = parser.add_subparsers(dest="command", required=True)
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(subcommands)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
