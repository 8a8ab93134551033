"""Run files of the command line (metrics.json, notebooks), written atomically with ``autograd.files``."""

import json

from autograd.files import write_atomically


def write_json_atomically(path, data):
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    write_atomically(path, lambda file: file.write(text.encode("utf-8")))


def write_notebook_atomically(path, notebook):
    """A notebook dict written as Jupyter writes one (nbformat: keys sorted, indent 1), atomically."""
    text = json.dumps(notebook, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    write_atomically(path, lambda file: file.write(text.encode("utf-8")))
