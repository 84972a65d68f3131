"""Reference MBAR free energies from pymbar for rarelab's own MBAR (tests/enhanced/pymbar.test.ts).

Run with Debian's python3 and python3-pymbar 3.1:  /usr/bin/python3 data/enhanced/pymbar_reference.py
Writes data/enhanced/pymbar-reference.json: a fixed sample (harmonic states sampled exactly, one state
left unsampled), its reduced potentials' parameters, and pymbar's f_k and their asymptotic std.
"""
import json
import os
import tempfile

import numpy as np
import pymbar

# Reduced potentials u_k(x) = (x - mu_k)^2 / (2 sigma_k^2) (kT); state 4 gets no samples.
mu = [0.0, 0.7, 1.5, 2.2, 1.0]
sigma = [1.0, 0.7, 1.1, 0.5, 0.8]
counts = [120, 80, 150, 100, 0]

rng = np.random.RandomState(20240417)
x = np.concatenate([rng.normal(mu[k], sigma[k], counts[k]) for k in range(len(mu))])
u_kn = np.array([(x - mu[k]) ** 2 / (2 * sigma[k] ** 2) for k in range(len(mu))])

mbar = pymbar.MBAR(u_kn, np.array(counts), relative_tolerance=1e-12)
df, ddf = mbar.getFreeEnergyDifferences()[:2]

out = {
    "source": "pymbar %s (Debian python3-pymbar), MBAR(u_kn, N_k, relative_tolerance=1e-12).getFreeEnergyDifferences(); made by data/enhanced/pymbar_reference.py" % pymbar.version.short_version,
    "mu": mu,
    "sigma": sigma,
    "counts": counts,
    "x": [float(v) for v in x],
    "f": [float(v) for v in df[0]],
    "df": [float(v) for v in ddf[0]],
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pymbar-reference.json")
fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
with os.fdopen(fd, "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
os.replace(tmp, path)  # atomic
print(json.dumps({"f": out["f"], "df": out["df"]}))
