#!/usr/bin/env python3
"""OpenMM reference energies and forces for rarelab's explicit-solvent (periodic, PME) force field.

  solvent_reference.py frames DIR SOURCE [SIGMA ...]
      DIR/SOURCE (a .gro) -> DIR/frames.gro: frame 0 the structure, then one frame per SIGMA with
      Gaussian noise N(0, SIGMA nm) on every coordinate (numpy default_rng(20240611)); 6 decimals.
  solvent_reference.py reference DIR [NFORCES]
      every frame of DIR/frames.gro through OpenMM 7.7 (GromacsTopFile(DIR/topol.top, includeDir =
      data/forcefields), createSystem(nonbondedMethod=PME, nonbondedCutoff=1 nm,
      ewaldErrorTolerance=5e-4), Reference platform, double precision) with the PME alpha and grid
      that OpenMM derives from the tolerance read back by getPMEParametersInContext and then set
      explicitly with setPMEParameters -> DIR/reference.json: per frame the total energy, the
      bonded terms, the non-bonded direct-space group (LJ, LJ dispersion correction, real-space
      Coulomb, self and exclusion terms and 1-4 pairs), the PME reciprocal energy, the dispersion
      correction alone, and the total forces of the first NFORCES frames (default 2).
  solvent_reference.py shift DIR
      the potential-shift modifiers (GROMACS vdw-modifier / coulomb-modifier = Potential-shift) on every
      frame of DIR/frames.gro, with OpenMM's own pair search: a System holding only two
      CustomNonbondedForces (CutoffPeriodic, r_c 1 nm, every NonbondedForce exception excluded) with
      the energies 4 eps ((sig/r)^12 - (sig/r)^6) - 4 eps ((sig/r_c)^12 - (sig/r_c)^6) (Lorentz-Berthelot)
      and ke q1 q2 (erfc(alpha r)/r - erfc(alpha r_c)/r_c) (alpha from DIR/reference.json), Reference
      platform -> DIR/shift-reference.json: per frame both energies, and the
      dispersion correction with the shift restored inside r_c, summed directly over all N (N + 1) / 2
      atom pairs i <= j (OpenMM's averaging) of 2 pi / V (4 C12 / (9 r_c^9) - 2 C6 / (3 r_c^3)) x 2.

Must be run with the Debian python (/usr/bin/python3: openmm 7.7).
"""
import json
import os
import sys

import numpy as np

SEED = 20240611
DATA = os.path.dirname(os.path.abspath(__file__))
TOL = 5e-4
CUTOFF = 1.0


def read_gro(path):
    """All frames of a .gro file: (lines of frame 0, [xyz (n,3) nm], [box lengths])."""
    lines = open(path).read().splitlines()
    frames, boxes, first = [], [], None
    i = 0
    while i < len(lines) and lines[i].strip():
        n = int(lines[i + 1])
        atom_lines = lines[i + 2:i + 2 + n]
        p1 = atom_lines[0].index('.', 20)
        w = atom_lines[0].index('.', p1 + 1) - p1
        frames.append(np.array([[float(l[20 + k * w:20 + (k + 1) * w]) for k in range(3)] for l in atom_lines]))
        boxes.append([float(v) for v in lines[i + 2 + n].split()[:3]])
        if first is None:
            first = atom_lines
        i += n + 3
    return first, frames, boxes


def read_gro_xv(path):
    """Positions, velocities (zeros when absent) and box lengths of the first frame of a .gro with any decimals."""
    lines = open(path).read().splitlines()
    n = int(lines[1])
    p1 = lines[2].index('.', 20)
    w = lines[2].index('.', p1 + 1) - p1
    x, v = [], []
    for l in lines[2:2 + n]:
        x.append([float(l[20 + k * w:20 + (k + 1) * w]) for k in range(3)])
        v.append([float(l[20 + k * w:20 + (k + 1) * w]) for k in range(3, 6)] if len(l) >= 20 + 6 * w else [0.0, 0.0, 0.0])
    return x, v, [float(t) for t in lines[2 + n].split()[:3]]


def frames(d, source, sigmas):
    atoms, (x0,), (box,) = read_gro(os.path.join(d, source))
    rng = np.random.default_rng(SEED)
    out = [('frame 0: ' + ('as built' if source == 'conf.gro' else source), x0)]
    for s in sigmas:
        out.append((f'frame {len(out)}: + N(0, {s} nm) on every coordinate', x0 + rng.normal(0.0, s, x0.shape)))
    with open(os.path.join(d, 'frames.gro'), 'w') as f:
        for title, x in out:
            f.write(title + '\n%5d\n' % len(x))
            for l, p in zip(atoms, x):
                f.write(l[:20] + '%11.6f%11.6f%11.6f\n' % tuple(p))
            f.write('%11.6f%11.6f%11.6f\n' % tuple(box))


def reference(d, nforces):
    import openmm as mm
    from openmm import app, unit
    _, xs, boxes = read_gro(os.path.join(d, 'frames.gro'))
    box = boxes[0]
    top = app.GromacsTopFile(os.path.join(d, 'topol.top'), periodicBoxVectors=[mm.Vec3(box[0], 0, 0), mm.Vec3(0, box[1], 0), mm.Vec3(0, 0, box[2])],
                             includeDir=os.path.join(DATA, 'forcefields'))
    system = top.createSystem(nonbondedMethod=app.PME, nonbondedCutoff=CUTOFF * unit.nanometer, ewaldErrorTolerance=TOL)
    names = {}
    nb = None
    for k, f in enumerate(system.getForces()):
        f.setForceGroup(min(k, 30))
        names[type(f).__name__] = k
        if isinstance(f, mm.NonbondedForce):
            nb = f
    rec_group = 31
    nb.setReciprocalSpaceForceGroup(rec_group)
    settings = {'useDispersionCorrection': nb.getUseDispersionCorrection(), 'useSwitchingFunction': nb.getUseSwitchingFunction(),
                'cutoff': nb.getCutoffDistance().value_in_unit(unit.nanometer), 'ewaldErrorTolerance': nb.getEwaldErrorTolerance(),
                'constraints': system.getNumConstraints(), 'exceptions': nb.getNumExceptions(), 'particles': nb.getNumParticles()}
    platform = mm.Platform.getPlatformByName('Reference')

    def context():
        return mm.Context(system, mm.VerletIntegrator(0.001), platform)

    ctx = context()
    ctx.setPositions(xs[0])
    alpha, nx, ny, nz = nb.getPMEParametersInContext(ctx)
    del ctx
    nb.setPMEParameters(alpha, nx, ny, nz)  # explicit, as the tests use them
    ctx = context()
    out_frames = []
    for fi, x in enumerate(xs):
        ctx.setPositions(x)
        st = ctx.getState(getEnergy=True, getForces=fi < nforces)
        fr = {'total': st.getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole)}
        for name, k in names.items():
            fr[name] = ctx.getState(getEnergy=True, groups={k}).getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole)
        fr['reciprocal'] = ctx.getState(getEnergy=True, groups={rec_group}).getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole)
        if fi < nforces:
            fr['forces'] = [round(v, 10) for v in np.asarray(st.getForces().value_in_unit(unit.kilojoule_per_mole / unit.nanometer)).ravel().tolist()]
        out_frames.append(fr)
    # the dispersion correction alone: direct-space group with and without it
    nb.setUseDispersionCorrection(False)
    ctx2 = context()
    for fi, x in enumerate(xs):
        ctx2.setPositions(x)
        e = ctx2.getState(getEnergy=True, groups={names['NonbondedForce']}).getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole)
        out_frames[fi]['dispersionCorrection'] = out_frames[fi]['NonbondedForce'] - e
    ref = {'openmm': mm.__version__, 'platform': 'Reference', 'box': box, 'alpha': alpha, 'grid': [nx, ny, nz], 'settings': settings,
           'frames': out_frames}
    with open(os.path.join(d, 'reference.json'), 'w') as f:
        json.dump(ref, f, indent=1)
    print(os.path.basename(d), json.dumps({k: v for k, v in ref.items() if k != 'frames'}), [round(fr['total'], 6) for fr in out_frames])


def shift(d):
    import openmm as mm
    from openmm import app, unit
    _, xs, boxes = read_gro(os.path.join(d, 'frames.gro'))
    box = boxes[0]
    alpha = json.load(open(os.path.join(d, 'reference.json')))['alpha']
    vectors = [mm.Vec3(box[0], 0, 0), mm.Vec3(0, box[1], 0), mm.Vec3(0, 0, box[2])]
    top = app.GromacsTopFile(os.path.join(d, 'topol.top'), periodicBoxVectors=vectors, includeDir=os.path.join(DATA, 'forcefields'))
    full = top.createSystem(nonbondedMethod=app.PME, nonbondedCutoff=CUTOFF * unit.nanometer, ewaldErrorTolerance=TOL)
    nb = [f for f in full.getForces() if isinstance(f, mm.NonbondedForce)][0]
    rc = CUTOFF
    system = mm.System()
    system.setDefaultPeriodicBoxVectors(*vectors)
    lj = mm.CustomNonbondedForce('4*eps*((sig/r)^12 - (sig/r)^6) - 4*eps*((sig/rc)^12 - (sig/rc)^6); sig = 0.5*(sig1 + sig2); eps = sqrt(eps1*eps2)')
    lj.addGlobalParameter('rc', rc)
    lj.addPerParticleParameter('sig')
    lj.addPerParticleParameter('eps')
    coul = mm.CustomNonbondedForce('138.93545764438198*q1*q2*(erfc(alpha*r)/r - erfc(alpha*rc)/rc)')
    coul.addGlobalParameter('rc', rc)
    coul.addGlobalParameter('alpha', alpha)
    coul.addPerParticleParameter('q')
    sig, eps, q = [], [], []
    for i in range(nb.getNumParticles()):
        qi, si, ei = nb.getParticleParameters(i)
        system.addParticle(full.getParticleMass(i))
        sig.append(si.value_in_unit(unit.nanometer))
        eps.append(ei.value_in_unit(unit.kilojoule_per_mole))
        q.append(qi.value_in_unit(unit.elementary_charge))
        lj.addParticle([sig[-1], eps[-1]])
        coul.addParticle([q[-1]])
    for k in range(nb.getNumExceptions()):
        i, j = nb.getExceptionParameters(k)[:2]
        lj.addExclusion(i, j)
        coul.addExclusion(i, j)
    for g, f in enumerate((lj, coul)):
        f.setNonbondedMethod(mm.CustomNonbondedForce.CutoffPeriodic)
        f.setCutoffDistance(rc)
        f.setForceGroup(g)
        system.addForce(f)
    ctx = mm.Context(system, mm.VerletIntegrator(0.001), mm.Platform.getPlatformByName('Reference'))
    out = []
    for fi, x in enumerate(xs):
        ctx.setPositions(x)
        fr = {'lj': ctx.getState(getEnergy=True, groups={0}).getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole),
              'coulombReal': ctx.getState(getEnergy=True, groups={1}).getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole)}
        out.append(fr)
    # dispersion correction with the shift restored inside r_c, pair by pair (i <= j, OpenMM's count)
    sig, eps = np.array(sig), np.array(eps)
    n = len(sig)
    c6sum = c12sum = 0.0
    for i in range(n):
        s = 0.5 * (sig[i] + sig[i:])
        e = np.sqrt(eps[i] * eps[i:])
        c6sum += np.sum(4 * e * s ** 6)
        c12sum += np.sum(4 * e * s ** 12)
    npairs = n * (n + 1) / 2
    vol = box[0] * box[1] * box[2]
    # pair density N^2 / (2 V) times the mean per-pair integral: r > r_c of 4 pi r^2 V(r), plus
    # r < r_c of 4 pi r^2 V(r_c) (the constant the shift removed)
    per_pair = (4 * np.pi * (c12sum / npairs) * (1 / (9 * rc ** 9) + 1 / (3 * rc ** 9))
                - 4 * np.pi * (c6sum / npairs) * (1 / (3 * rc ** 3) + 1 / (3 * rc ** 3)))
    disp = n * n / (2 * vol) * per_pair
    ref = {'openmm': mm.__version__, 'platform': 'Reference', 'box': box, 'alpha': alpha, 'cutoff': rc, 'frames': out, 'dispersionCorrectionShifted': disp}
    with open(os.path.join(d, 'shift-reference.json'), 'w') as f:
        json.dump(ref, f, indent=1)
    print(os.path.basename(d), [(round(fr['lj'], 6), round(fr['coulombReal'], 6)) for fr in out], 'dispersion (shifted)', disp)


if __name__ == '__main__':
    if sys.argv[1] == 'frames':
        frames(sys.argv[2], sys.argv[3], [float(s) for s in sys.argv[4:]])
    elif sys.argv[1] == 'shift':
        shift(sys.argv[2])
    elif sys.argv[1] == 'reference':
        reference(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 2)
    else:
        raise SystemExit(__doc__)
