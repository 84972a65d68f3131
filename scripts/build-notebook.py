"""Builds a notebook from its source fragments in notebooks/src/ (cells separated by lines `%%md` /
`%%code`): python3 scripts/build-notebook.py notebooks/src/a.nb.txt [more parts ...] notebooks/a.ipynb.
The .ipynb is the artefact users open; the sources keep diffs of the code readable."""
import json, sys

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
open(dst, "w").write(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
