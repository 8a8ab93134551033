"""Finding a dataset's files on disk, and saying clearly what is missing and how to get it."""

from pathlib import Path


def candidate_directories(root, folders):
    """``root`` itself, then each ``root/folder`` (e.g. ``data`` and ``data/mnist``)."""
    root = Path(root).expanduser()
    return [root, *(root / folder for folder in folders)]


def download_directory(root, folders):
    """Where downloaded files go: ``root/<first folder>`` (e.g. ``data/mnist``)."""
    return candidate_directories(root, folders)[1]


def missing_download_directory(dataset, root, folders, required):
    """``download_directory(root, folders)``, or None when every ``required`` file (as in
    ``locate_files``) is already in one of the searched places and nothing needs fetching."""
    try:
        locate_files(dataset, root, folders, required, "")
    except FileNotFoundError:
        return download_directory(root, folders)
    return None


def locate_files(dataset, root, folders, required, how_to_get):
    """The paths of the ``required`` files, all from one of ``candidate_directories(root, folders)``.

    ``required``: one tuple of accepted file names per needed file (e.g. the ``.gz`` and the
    plain name), shown to the user as ``name[.gz]``. Raises
    ``FileNotFoundError`` naming the directories searched, the files expected and ``how_to_get``.
    """
    directories = candidate_directories(root, folders)
    partial = []
    for directory in directories:
        found = [_first_existing(directory, names) for names in required]
        if all(found):
            return found
        if any(found):
            missing = [_display(names) for names, path in zip(required, found) if path is None]
            partial.append(f"{directory} has {', '.join(p.name for p in found if p)} but not {', '.join(missing)}.\n")
    root = directories[0]
    where = f"{root} does not exist" if not root.is_dir() else "looked in " + ", ".join(str(d) for d in directories)
    expected = ", ".join(_display(names) for names in required)
    raise FileNotFoundError(
        f"{dataset}: data files not found ({where}).\nExpected: {expected}.\n{''.join(partial)}{how_to_get}"
    )


def _display(names):
    """``x[.gz]`` when both ``x`` and ``x.gz`` are accepted, else the first name."""
    shortest = min(names, key=len)
    return f"{shortest}[.gz]" if f"{shortest}.gz" in names else names[0]


def _first_existing(directory, names):
    for name in names:
        path = directory / name
        if path.is_file():
            return path
    return None
