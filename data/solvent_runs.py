#!/usr/bin/env python3
"""Unbiased OpenMM 7.7 NVT runs of the shipped solvated systems: the references that rarelab's own
explicit-solvent dynamics is compared with in notebooks/peptide-md.ipynb (see data/README.md).

Both start from DIR/equilibrated.gro (positions, velocities, box) and use the paper's settings (AIMMD,
Methods F): 300 K, friction 1/ps, 2 fs, PME r_c 1 nm and error tolerance 5e-4, dispersion correction,
bonds to hydrogen constrained and rigid TIP3P (GromacsTopFile with includeDir data/forcefields,
createSystem(constraints=HBonds, rigidWater=True)); LangevinMiddleIntegrator, seed SEED; CPU platform
with 1 thread (the machine is shared).

  solvent_runs.py alanine DIR PS
      alanine dipeptide in water: phi and psi (degrees, IUPAC sign, atoms C-N-CA-C and N-CA-C-N of
      residue ALA) every 0.05 ps for PS ps -> DIR/openmm-nvt-300K-<PS>ps.json, with the basin
      populations (boxes ALANINE_DIPEPTIDE_WATER_BASINS of lib/features/ramachandran.ts, copied below
      and written into the JSON; a test checks they agree) and their K = 5 block averages as
      lib/stats/block-average.ts computes them.

  solvent_runs.py ions DIR PS [HOT_PS]
      LiCl: the Li+ and Cl- positions (nm) every 0.1 ps for PS ps -> DIR/openmm-nvt-ions-<PS>ps.dcd
      (mdtraj DCD, float32, Angstrom, with the constant box) and DIR/openmm-nvt-ions-<PS>ps.json
      (which atoms, box, settings). rarelab computes the Li-Cl g(r) and potential of mean force from it.
      With HOT_PS, the run first spends HOT_PS ps at 400 K (the temperature at which the AIMMD paper
      generated its initial LiCl transition paths by plain MD, Methods G), printing the shortest Li-Cl
      distance every ps, then switches the thermostat to 300 K and records PS ps; files are then named
      openmm-nvt-ions-<PS>ps-after-<HOT_PS>ps-400K.*.

Must be run with the Debian python (/usr/bin/python3: openmm 7.7, mdtraj); nice -n 10.
"""
import json
import os
import sys
import time

import numpy as np

DATA = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, DATA)
from solvent_reference import read_gro_xv  # noqa: E402

SEED = 1
STEP_PS = 0.002
# lib/features/ramachandran.ts ALANINE_DIPEPTIDE_WATER_BASINS (degrees, periodic half-open [lo, hi))
WATER_BASINS = {
    'alphaR': {'phi': [-180, 0], 'psi': [-120, 50]},
    'PIIbeta': {'phi': [-180, 0], 'psi': [50, -120]},
    'alphaL': {'phi': [0, 180], 'psi': [-120, 120]},
}
BLOCKS = 5


def atom_names(path):
    lines = open(path).read().splitlines()
    n = int(lines[1])
    return [(l[5:10].strip(), l[10:15].strip()) for l in lines[2:2 + n]]


def simulation(d):
    import openmm as mm
    from openmm import app, unit
    x, v, box = read_gro_xv(os.path.join(d, 'equilibrated.gro'))
    vectors = [mm.Vec3(box[0], 0, 0), mm.Vec3(0, box[1], 0), mm.Vec3(0, 0, box[2])] * unit.nanometer
    top = app.GromacsTopFile(os.path.join(d, 'topol.top'), periodicBoxVectors=vectors, includeDir=os.path.join(DATA, 'forcefields'))
    system = top.createSystem(nonbondedMethod=app.PME, nonbondedCutoff=1 * unit.nanometer, ewaldErrorTolerance=5e-4,
                              constraints=app.HBonds, rigidWater=True)
    integ = mm.LangevinMiddleIntegrator(300 * unit.kelvin, 1 / unit.picosecond, STEP_PS * unit.picoseconds)
    integ.setRandomNumberSeed(SEED)
    ctx = mm.Context(system, integ, mm.Platform.getPlatformByName('CPU'), {'Threads': '1'})
    ctx.setPeriodicBoxVectors(*vectors)
    ctx.setPositions([mm.Vec3(*p) for p in x] * unit.nanometer)
    ctx.setVelocities([mm.Vec3(*q) for q in v] * unit.nanometer / unit.picosecond)
    settings = {'engine': f'OpenMM {mm.__version__} CPU (1 thread)', 'integrator': 'LangevinMiddleIntegrator', 'temperatureK': 300,
                'frictionPerPs': 1, 'dtPs': STEP_PS, 'cutoffNm': 1.0, 'ewaldErrorTolerance': 5e-4, 'dispersionCorrection': True,
                'constraints': 'HBonds + rigid water', 'seed': SEED, 'start': 'equilibrated.gro (positions and velocities)', 'box': box}
    return ctx, integ, settings, unit


def dihedral_deg(x, i, j, k, l):
    b1, b2, b3 = x[j] - x[i], x[k] - x[j], x[l] - x[k]
    n1, n2 = np.cross(b1, b2), np.cross(b2, b3)
    # IUPAC sign: atan2(|b2| b1 . (b2 x b3), n1 . n2) (checked against mdtraj.compute_phi/psi)
    return float(np.degrees(np.arctan2(np.linalg.norm(b2) * np.dot(b1, n2), np.dot(n1, n2))))


def in_range(a, r):
    width = (r[1] - r[0]) % 360.0
    width = 360.0 if width == 0 else width
    return ((np.asarray(a) - r[0]) % 360.0) < width


def alanine(d, ps):
    names = atom_names(os.path.join(d, 'equilibrated.gro'))
    idx = {(res, name): i for i, (res, name) in enumerate(names) if res in ('ACE', 'ALA', 'NME')}
    phi_atoms = [idx[('ACE', 'C')], idx[('ALA', 'N')], idx[('ALA', 'CA')], idx[('ALA', 'C')]]
    psi_atoms = [idx[('ALA', 'N')], idx[('ALA', 'CA')], idx[('ALA', 'C')], idx[('NME', 'N')]]
    ctx, integ, settings, unit = simulation(d)
    every = 25  # steps: 0.05 ps
    n = int(round(ps / (every * STEP_PS)))
    phi, psi = [], []
    t0 = time.time()
    for k in range(n):
        integ.step(every)
        x = ctx.getState(getPositions=True).getPositions(asNumpy=True).value_in_unit(unit.nanometer)
        phi.append(dihedral_deg(x, *phi_atoms))
        psi.append(dihedral_deg(x, *psi_atoms))
        if (k + 1) % 200 == 0:
            print('%.1f ps phi %.1f psi %.1f' % ((k + 1) * every * STEP_PS, phi[-1], psi[-1]), flush=True)
    wall = time.time() - t0
    phi, psi = np.array(phi), np.array(psi)
    pops = {}
    m = len(phi) // BLOCKS
    for name, b in WATER_BASINS.items():
        inside = (in_range(phi, b['phi']) & in_range(psi, b['psi'])).astype(float)
        est = np.array([inside[k * m:(k + 1) * m].mean() for k in range(BLOCKS)])
        pops[name] = {'mean': float(inside.mean()), 'blockMean': float(est.mean()), 'blocks': est.tolist(),
                      'standardError': float(est.std(ddof=1) / np.sqrt(BLOCKS))}
    out = {'system': os.path.basename(os.path.normpath(d)), 'settings': dict(settings, lengthPs=ps, framesEveryPs=every * STEP_PS),
           'phiAtoms': phi_atoms, 'psiAtoms': psi_atoms, 'boxes': WATER_BASINS, 'blocks': BLOCKS, 'populations': pops,
           'phi': [round(a, 3) for a in phi.tolist()], 'psi': [round(a, 3) for a in psi.tolist()],
           'nsPerDay': ps / 1000 / (wall / 86400)}
    path = os.path.join(d, 'openmm-nvt-300K-%gps.json' % ps)
    with open(path, 'w') as f:
        json.dump(out, f)
    print(path, json.dumps(pops), '%.2f ns/day' % out['nsPerDay'])


def min_licl(x, li, cl, box):
    d = x[li][:, None, :] - x[cl][None, :, :]
    d -= np.round(d / box) * box
    return float(np.sqrt((d ** 2).sum(-1)).min())


def ions(d, ps, hot_ps=0.0):
    import mdtraj
    names = atom_names(os.path.join(d, 'equilibrated.gro'))
    li = [i for i, (res, _) in enumerate(names) if res == 'LI']
    cl = [i for i, (res, _) in enumerate(names) if res == 'CL']
    sel = li + cl
    ctx, integ, settings, unit = simulation(d)
    if hot_ps > 0:
        integ.setTemperature(400 * unit.kelvin)
        box = np.array(settings['box'])
        for k in range(int(round(hot_ps))):
            integ.step(500)
            x = ctx.getState(getPositions=True).getPositions(asNumpy=True).value_in_unit(unit.nanometer)
            print('400 K, %d ps: shortest Li-Cl distance %.3f nm' % (k + 1, min_licl(x, li, cl, box)), flush=True)
        integ.setTemperature(300 * unit.kelvin)
        settings = dict(settings, start=settings['start'] + f', then {hot_ps:g} ps at 400 K (not recorded), then 300 K')
    every = 50  # steps: 0.1 ps
    n = int(round(ps / (every * STEP_PS)))
    frames = []
    t0 = time.time()
    for k in range(n):
        integ.step(every)
        x = ctx.getState(getPositions=True).getPositions(asNumpy=True).value_in_unit(unit.nanometer)
        frames.append(x[sel])
        if (k + 1) % 10 == 0:
            print('%.1f ps: shortest Li-Cl distance %.3f nm' % ((k + 1) * every * STEP_PS, min_licl(x, li, cl, np.array(settings['box']))), flush=True)
    wall = time.time() - t0
    box = settings['box']
    mtop = mdtraj.Topology()
    chain = mtop.add_chain()
    for i in sel:
        res = mtop.add_residue(names[i][0], chain)
        mtop.add_atom(names[i][1], mdtraj.element.lithium if names[i][0] == 'LI' else mdtraj.element.chlorine, res)
    traj = mdtraj.Trajectory(np.array(frames), mtop, unitcell_lengths=np.tile(box, (n, 1)), unitcell_angles=np.full((n, 3), 90.0))
    base = os.path.join(d, 'openmm-nvt-ions-%gps' % ps + ('-after-%gps-400K' % hot_ps if hot_ps > 0 else ''))
    traj.save_dcd(base + '.dcd')
    out = {'system': os.path.basename(os.path.normpath(d)), 'settings': dict(settings, lengthPs=ps, framesEveryPs=every * STEP_PS),
           'dcd': os.path.basename(base) + '.dcd', 'atoms': 'the Li+ then the Cl- ions of equilibrated.gro, in file order',
           'lithium': list(range(len(li))), 'chloride': list(range(len(li), len(sel))), 'atomIndicesInSystem': sel,
           'frames': n, 'nsPerDay': ps / 1000 / (wall / 86400)}
    with open(base + '.json', 'w') as f:
        json.dump(out, f, indent=1)
    print(base, n, 'frames', '%.2f ns/day' % out['nsPerDay'])


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'alanine':
        alanine(sys.argv[2], float(sys.argv[3]))
    elif len(sys.argv) in (4, 5) and sys.argv[1] == 'ions':
        ions(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]) if len(sys.argv) == 5 else 0.0)
    else:
        raise SystemExit(__doc__)
