"""Every ```python block of the README runs (in order, in one namespace)."""

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert blocks, "expected Python examples in the README"
    monkeypatch.chdir(tmp_path)   # examples that write files write them here
    namespace = {}
    for number, block in enumerate(blocks, 1):
        try:
            exec(compile(block, f"README.md python block {number}", "exec"), namespace)
        except Exception as error:  # report which block broke
            raise AssertionError(f"expected README python block {number} to run, got {error!r}") from error
