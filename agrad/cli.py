"""``agrad``: the command line (``agrad ...`` or ``python -m agrad ...``).

Each subcommand is a module of this package with ``register(subcommands)``, which adds its
parser and sets ``run`` (a function of the parsed arguments returning an exit code).
"""

import argparse
import importlib
import sys

from autograd.version import __version__

SUBCOMMAND_MODULES = ["agrad.train", "agrad.evaluate", "agrad.graph_command", "agrad.exercises", "agrad.grade",
                      "agrad.demo"]


def build_parser():
    """The ``agrad`` parser: ``--version`` and one subcommand per module of ``SUBCOMMAND_MODULES``."""
    parser = argparse.ArgumentParser(prog="agrad", description="agrad: autograd and small CNNs in NumPy")
    parser.add_argument("--version", action="version", version=f"agrad {__version__}")
    subcommands = parser.add_subparsers(dest="command", required=True)
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(subcommands)
    return parser


def main(argv=None):
    """Run ``agrad`` with ``argv`` (default: ``sys.argv[1:]``); returns the subcommand's exit code."""
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
