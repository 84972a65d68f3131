"""Summarises the GROMACS sd run of make-md-reference.sh into alanine-dipeptide/langevin-300K.json.

Basin boxes (degrees, periodic, half-open [lo, hi) counter-clockwise) are those of
ALANINE_DIPEPTIDE_BASINS in lib/features/ramachandran.ts; they are written into the JSON and a test
checks that the two agree.
"""
import json
import os
import re
import sys

import mdtraj as md
import numpy as np

BOXES = {
    'C7eq': {'phi': [-150, -40], 'psi': [0, 110]},
    'C5': {'phi': [160, -40], 'psi': [110, -160]},
    'C7ax': {'phi': [20, 110], 'psi': [-120, 0]},
}
EQUILIBRATION_PS = 100.0
BLOCKS = 20


def in_range(a, r):
    width = (r[1] - r[0]) % 360.0
    width = 360.0 if width == 0 else width
    return ((a - r[0]) % 360.0) < width


def block_se(x, blocks=BLOCKS):
    n = len(x) // blocks
    means = np.array([x[b * n:(b + 1) * n].mean() for b in range(blocks)])
    return float(means.std(ddof=1) / np.sqrt(blocks))


def read_xvg(path):
    rows = [l.split() for l in open(path) if l.strip() and l[0] not in '#@']
    return np.array(rows, dtype=float)


def main(d, xtc, energy_xvg, log):
    traj = md.load(xtc, top=os.path.join(d, 'minimised.pdb'))
    t = traj.time
    keep = t >= EQUILIBRATION_PS
    phi = np.degrees(md.compute_phi(traj)[1][:, 0])[keep]
    psi = np.degrees(md.compute_psi(traj)[1][:, 0])[keep]
    pops, pop_se = {}, {}
    for name, b in BOXES.items():
        inside = (in_range(phi, b['phi']) & in_range(psi, b['psi'])).astype(float)
        pops[name] = float(inside.mean())
        pop_se[name] = block_se(inside)
    hist, _, _ = np.histogram2d(phi, psi, bins=72, range=[[-180, 180], [-180, 180]])
    e = read_xvg(energy_xvg)
    ek = e[:, 0] >= EQUILIBRATION_PS
    epot, temp = e[ek, 1], e[ek, 2]
    perf = re.search(r'Performance:\s+([\d.]+)', open(log).read())
    out = {
        'description': 'GROMACS 2022 sd (Langevin) run of alanine dipeptide in vacuum, 300 K, friction 1/ps, 2 fs, '
                       'h-bonds constrained (LINCS), 20 ns; see data/README.md and make-md-reference.sh',
        'engine': 'gmx mdrun -nt 1 (mixed precision), integrator sd',
        'settings': {'temperature_K': 300, 'friction_per_ps': 1.0, 'dt_ps': 0.002, 'length_ns': float(t[-1]) / 1000,
                     'equilibration_ps': EQUILIBRATION_PS, 'constraints': 'h-bonds', 'frames_every_ps': float(t[1] - t[0]),
                     'energies_every_ps': float(e[1, 0] - e[0, 0]), 'blocks_for_standard_errors': BLOCKS},
        'units': {'energy': 'kJ/mol', 'temperature': 'K', 'angle': 'degree'},
        'potentialEnergy': {'mean': float(epot.mean()), 'se': block_se(epot), 'sd': float(epot.std())},
        'temperature': {'mean': float(temp.mean()), 'se': block_se(temp),
                        'note': 'GROMACS leap-frog kinetic temperature (average of the half-step kinetic energies), 54 dof'},
        'boxes': BOXES,
        'populations': pops,
        'populationSE': pop_se,
        'ramachandran': {'bins': 72, 'range': [-180, 180], 'counts_phi_major': hist.astype(int).tolist(), 'frames': int(len(phi))},
        'gromacsNsPerDay': float(perf.group(1)) if perf else None,
    }
    with open(os.path.join(d, 'langevin-300K.json'), 'w') as f:
        json.dump(out, f, indent=1)
    print(json.dumps({k: out[k] for k in ('potentialEnergy', 'temperature', 'populations', 'populationSE', 'gromacsNsPerDay')}, indent=1))


if __name__ == '__main__':
    main(*sys.argv[1:5])
