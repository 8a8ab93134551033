"""Run files of the command line (metrics.json), written atomically with ``autograd.files``."""

import json

from autograd.files import write_atomically


def write_json_atomically(path, data):
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    write_atomically(path, lambda file: file.write(text.encode("utf-8")))
