# Config for `jupyter nbconvert --execute`, loaded by scripts/nbconvert.ts.
# tslab answers a failed cell with status "error" but sends no "error" output, so with --allow-errors the
# saved notebook would not say which cell failed. This hook (nbclient >= 0.6) records it in the cell's
# metadata, where scripts/notebook/failures.ts looks.
def _mark_error(cell, cell_index, execute_reply, **_):
    cell.metadata["rarelab"] = {"status": "error"}


c.ExecutePreprocessor.on_cell_error = _mark_error  # noqa: F821 (c is the config object nbconvert provides)
