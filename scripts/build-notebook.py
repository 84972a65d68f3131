"""Builds a notebook from its source fragments in notebooks/src/ (cells separated by lines `%%md` /
`%%code`): python3 scripts/build-notebook.py notebooks/src/a.nb.txt [more parts ...] notebooks/a.ipynb.
The .ipynb is the artefact users open; the sources keep diffs of the code readable."""
import json, os, sys, tempfile

def parse(text):
    cells = []
    for block in ("\n" + text).split("\n%%")[1:]:
        kind, _, body = block.partition("\n")
        cells.append(("markdown" if kind.strip() == "md" else "code", body.strip("\n")))
    return cells

*srcs, dst = sys.argv[1:]
cells = [c for s in srcs for c in parse(open(s).read())]
nb = {"nbformat": 4, "nbformat_minor": 5,
      "metadata": {"kernelspec": {"name": "rarelab", "display_name": "TypeScript (rarelab)", "language": "typescript"},
                   "language_info": {"name": "typescript", "file_extension": ".ts", "mimetype": "text/typescript"}},
      "cells": []}
for i, (kind, src) in enumerate(cells):
    c = {"cell_type": kind, "id": f"cell-{i}", "metadata": {}, "source": src}
    if kind == "code":
        c.update(outputs=[], execution_count=None)
    nb["cells"].append(c)
# Atomic replace (as lib/files/atomic-write.ts): an interrupted build leaves the previous notebook whole.
fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(dst)), prefix="." + os.path.basename(dst) + ".", suffix=".tmp")
try:
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())
    if os.path.exists(dst):
        os.chmod(tmp, os.stat(dst).st_mode & 0o7777)
    else:
        os.chmod(tmp, 0o644)
    os.replace(tmp, dst)
except BaseException:
    if os.path.exists(tmp):
        os.unlink(tmp)
    raise
