#!/usr/bin/env python3
"""Reference structures and energies for rarelab's force-field tests (run by make-reference.sh).

  make_reference.py g96togro IN.g96 TEMPLATE.gro OUT.gro
      GROMOS-96 positions (9 decimals) -> .gro with 6 decimals (atom names from TEMPLATE.gro).
  make_reference.py dcd DIR
      DIR/frames.gro -> DIR/frames.mdtraj.dcd, written by mdtraj (tests rarelab's DCD reader).
  make_reference.py frames DIR
      DIR/minimised.gro -> DIR/frames.gro: frame 0 the minimised structure, frames 1-3 Gaussian
      perturbations of every coordinate (sigma 0.002, 0.01, 0.025 nm, numpy seed 20240611), frame 4
      the minimised structure with residue 2's phi and psi bonds rotated by +70 and -110 degrees.
  make_reference.py reference DIR GMX_DOUBLE_XVG GMX_MIXED_XVG
      per-term energies of every frame in DIR/frames.gro from OpenMM (GromacsTopFile, NoCutoff,
      Reference platform, double precision) and from the two `gmx energy -dp` outputs, OpenMM forces,
      and mdtraj's phi/psi -> DIR/reference.json.

Must be run with the Debian python (/usr/bin/python3: openmm 7.7, mdtraj).
"""
import json
import math
import os
import sys

import numpy as np

TERMS = ['bond', 'angle', 'proper', 'improper', 'lj14', 'coulomb14', 'lj', 'coulomb', 'total']
GMX_NAMES = ['Bond', 'Angle', 'Proper Dih.', 'Per. Imp. Dih.', 'LJ-14', 'Coulomb-14', 'LJ (SR)', 'Coulomb (SR)', 'Potential']
SIGMAS = [0.002, 0.01, 0.025]
SEED = 20240611
DATA = os.path.dirname(os.path.abspath(__file__))


def read_gro(path):
    """All frames of a .gro file (any number of decimals): (titles, names, [xyz (n,3) nm], [box])."""
    lines = open(path).read().splitlines()
    titles, frames, boxes, names = [], [], [], None
    i = 0
    while i < len(lines) and lines[i].strip():
        titles.append(lines[i])
        n = int(lines[i + 1])
        first = lines[i + 2]
        p1 = first.index('.', 20)
        p2 = first.index('.', p1 + 1)
        w = p2 - p1
        xyz = np.array([[float(l[20 + k * w:20 + (k + 1) * w]) for k in range(3)] for l in lines[i + 2:i + 2 + n]])
        if names is None:
            names = [(l[5:10].strip(), l[10:15].strip()) for l in lines[i + 2:i + 2 + n]]
        frames.append(xyz)
        boxes.append([float(v) for v in lines[i + 2 + n].split()[:3]])
        i += n + 3
    return titles, names, frames, boxes


def g96_to_gro(g96, template_gro, out):
    """Positions of a GROMOS-96 file (9 decimals) written as .gro with 6 decimals, names from template_gro."""
    lines = open(g96).read().splitlines()
    k = lines.index('POSITION')
    xyz = []
    for l in lines[k + 1:]:
        if l.strip() == 'END':
            break
        xyz.append([float(v) for v in l[24:].split()[:3]])
    box = [float(v) for v in lines[lines.index('BOX') + 1].split()[:3]]
    template = open(template_gro).read().splitlines()[2:2 + len(xyz)]
    write_gro(out, ['minimised in vacuum (gmx_d steep + l-bfgs), 6 decimals'], template, [np.array(xyz)], box)


def write_gro(path, titles, template_lines, frames, box):
    with open(path, 'w') as f:
        for t, xyz in zip(titles, frames):
            f.write(t + '\n%5d\n' % len(xyz))
            for l, p in zip(template_lines, xyz):
                f.write(l[:20] + '%11.6f%11.6f%11.6f\n' % tuple(p))
            f.write('%11.6f%11.6f%11.6f\n' % tuple(box))


def topology(d):
    from openmm import app
    return app.GromacsTopFile(os.path.join(d, 'topol.top'), includeDir=os.path.join(DATA, 'forcefields'))


def rotate_about(xyz, bonds, a, b, degrees):
    """Rotates the atoms on b's side of bond a-b about the a->b axis."""
    adj = {}
    for i, j in bonds:
        adj.setdefault(i, set()).add(j)
        adj.setdefault(j, set()).add(i)
    side, stack = {b}, [b]
    while stack:
        k = stack.pop()
        for m in adj[k]:
            if m != a and m not in side:
                side.add(m)
                stack.append(m)
    if a in side:
        raise ValueError('bond is in a ring')
    u = xyz[b] - xyz[a]
    u /= np.linalg.norm(u)
    t = math.radians(degrees)
    K = np.array([[0, -u[2], u[1]], [u[2], 0, -u[0]], [-u[1], u[0], 0]])
    R = np.eye(3) + math.sin(t) * K + (1 - math.cos(t)) * K @ K
    out = xyz.copy()
    idx = sorted(side)
    out[idx] = (xyz[idx] - xyz[b]) @ R.T + xyz[b]
    return out


def frames(d):
    _, names, (x0,), (box,) = read_gro(os.path.join(d, 'minimised.gro'))
    template = open(os.path.join(d, 'minimised.gro')).read().splitlines()[2:2 + len(x0)]
    rng = np.random.default_rng(SEED)
    out, titles = [x0], ['frame 0: minimised']
    for s in SIGMAS:
        out.append(x0 + rng.normal(0.0, s, x0.shape))
        titles.append(f'frame {len(out) - 1}: minimised + N(0, {s} nm) on every coordinate')
    top = topology(d)
    bonds = [(b[0].index, b[1].index) for b in top.topology.bonds()]
    res2 = list(top.topology.residues())[1]
    at = {a.name: a.index for a in res2.atoms()}
    x4 = rotate_about(x0, bonds, at['N'], at['CA'], 70.0)
    x4 = rotate_about(x4, bonds, at['CA'], at['C'], -110.0)
    out.append(x4)
    titles.append('frame 4: minimised with residue 2 phi +70 deg and psi -110 deg')
    write_gro(os.path.join(d, 'frames.gro'), titles, template, out, box)


def mdtraj_dcd(d):
    """DIR/frames.gro -> DIR/frames.mdtraj.dcd written by mdtraj (with the 12 nm unit cell): rarelab's DCD reader test."""
    import mdtraj as md
    _, _, xs, boxes = read_gro(os.path.join(d, 'frames.gro'))
    t = md.Trajectory(np.array(xs), md.load(os.path.join(d, 'minimised.pdb')).topology)
    t.unitcell_vectors = np.array([np.diag(b) for b in boxes], dtype=np.float32)
    t.save_dcd(os.path.join(d, 'frames.mdtraj.dcd'))


def read_xvg(path):
    rows = [l.split() for l in open(path) if l.strip() and l[0] not in '#@']
    legends = [l.split('"')[1] for l in open(path) if l.startswith('@ s') and 'legend "' in l]
    data = np.array([[float(v) for v in r] for r in rows])
    if legends != GMX_NAMES:
        raise ValueError(f'{path}: unexpected energy terms {legends}')
    return {t: data[:, 1 + k].tolist() for k, t in enumerate(TERMS)}


def openmm_terms(d, top_name='topol.top'):
    """Per-term energies and total forces of every frame with OpenMM (NoCutoff, Reference, double)."""
    import openmm as mm
    from openmm import app, unit
    top = app.GromacsTopFile(os.path.join(d, top_name), includeDir=os.path.join(DATA, 'forcefields'))
    system = top.createSystem(nonbondedMethod=app.NoCutoff, constraints=None, rigidWater=False, removeCMMotion=False)
    bonded = set()
    for b in top.topology.bonds():
        bonded.add((b[0].index, b[1].index))
        bonded.add((b[1].index, b[0].index))
    n = system.getNumParticles()

    def bare():
        s = mm.System()
        for i in range(n):
            s.addParticle(system.getParticleMass(i))
        return s

    systems = {t: bare() for t in TERMS[:-1]}
    for f in system.getForces():
        if isinstance(f, mm.HarmonicBondForce):
            systems['bond'].addForce(mm.XmlSerializer.clone(f))
        elif isinstance(f, mm.HarmonicAngleForce):
            systems['angle'].addForce(mm.XmlSerializer.clone(f))
        elif isinstance(f, mm.PeriodicTorsionForce):
            prop, imp = mm.PeriodicTorsionForce(), mm.PeriodicTorsionForce()
            for k in range(f.getNumTorsions()):
                i, j, kk, l, per, ph, kf = f.getTorsionParameters(k)
                chain = (i, j) in bonded and (j, kk) in bonded and (kk, l) in bonded
                (prop if chain else imp).addTorsion(i, j, kk, l, per, ph, kf)
            systems['proper'].addForce(prop)
            systems['improper'].addForce(imp)
        elif isinstance(f, mm.NonbondedForce):
            for term in ('lj14', 'coulomb14', 'lj', 'coulomb'):
                g = mm.XmlSerializer.clone(f)
                for i in range(g.getNumParticles()):
                    q, sg, ep = g.getParticleParameters(i)
                    keep_q = term == 'coulomb'
                    keep_lj = term == 'lj'
                    g.setParticleParameters(i, q if keep_q else 0.0, sg, ep if keep_lj else 0.0)
                for k in range(g.getNumExceptions()):
                    i, j, qq, sg, ep = g.getExceptionParameters(k)
                    g.setExceptionParameters(k, i, j, qq if term == 'coulomb14' else 0.0, sg, ep if term == 'lj14' else 0.0)
                systems[term].addForce(g)
        elif isinstance(f, mm.CMMotionRemover):
            pass
        else:
            raise ValueError(f'unexpected OpenMM force {type(f).__name__}')
    platform = mm.Platform.getPlatformByName('Reference')
    _, _, xs, _ = read_gro(os.path.join(d, 'frames.gro'))
    out = {t: [] for t in TERMS}
    full = mm.Context(system, mm.VerletIntegrator(0.001), platform)
    ctx = {t: mm.Context(s, mm.VerletIntegrator(0.001), platform) for t, s in systems.items()}
    forces = []
    for x in xs:
        for t, c in ctx.items():
            c.setPositions(x)
            out[t].append(c.getState(getEnergy=True).getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole))
        full.setPositions(x)
        st = full.getState(getEnergy=True, getForces=True)
        out['total'].append(st.getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole))
        forces.append(np.asarray(st.getForces(asNumpy=True).value_in_unit(unit.kilojoule_per_mole / unit.nanometer)).ravel().tolist())
    return out, forces


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def reference(d, xvg_double, xvg_mixed):
    import mdtraj as md
    gd, gm = read_xvg(xvg_double), read_xvg(xvg_mixed)
    omm, forces = openmm_terms(d)
    omm_pp, _ = openmm_terms(d, 'topol.pp.top')
    titles, names, xs, boxes = read_gro(os.path.join(d, 'frames.gro'))
    traj = md.Trajectory(np.array(xs), md.load(os.path.join(d, 'minimised.pdb')).topology)
    phi_idx, phi = md.compute_phi(traj)
    psi_idx, psi = md.compute_psi(traj)
    agreement = {}
    for t in TERMS:
        agreement[t] = {
            'gromacsDoubleVsOpenmm': max(rel(a, b) for a, b in zip(gd[t], omm[t])),
            'gromacsMixedVsOpenmm': max(rel(a, b) for a, b in zip(gm[t], omm[t])),
            'ppTopVsTop': max(rel(a, b) for a, b in zip(omm_pp[t], omm[t])),
        }
    # Only the total has a sum-of-terms check; no null placeholders for the other terms (the
    # committed JSON once lost its "key": null lines and became invalid).
    agreement['total']['sumOfTermsVsTotal'] = max(
        rel(sum(omm[t][k] for t in TERMS[:-1]), omm['total'][k]) for k in range(len(xs)))
    import openmm
    ref = {
        'description': 'Per-term potential energies (kJ/mol) of every frame of frames.gro; see data/README.md',
        'units': {'energy': 'kJ/mol', 'length': 'nm', 'force': 'kJ/mol/nm', 'angle': 'rad'},
        'nAtoms': len(names),
        'frames': titles,
        'terms': TERMS,
        'assertionReference': 'openmm',
        'openmm': omm,
        'gromacsDouble': gd,
        'gromacsMixed': gm,
        'openmmForces': {'frames': [0, 1], 'values': forces[:2]},
        'mdtraj': {
            'phi': {'atoms': phi_idx.tolist(), 'values': phi.tolist()},
            'psi': {'atoms': psi_idx.tolist(), 'values': psi.tolist()},
        },
        'maxRelativeDifference': agreement,
        'tools': {'openmm': openmm.version.full_version, 'mdtraj': md.version.version, 'gromacs': '2022.5 (Debian), gmx_d and gmx'},
    }
    with open(os.path.join(d, 'reference.json'), 'w') as f:
        json.dump(ref, f, indent=1)
    print(os.path.basename(d), json.dumps(agreement, indent=1))


if __name__ == '__main__':
    if sys.argv[1] == 'g96togro':
        g96_to_gro(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == 'dcd':
        mdtraj_dcd(sys.argv[2])
    elif sys.argv[1] == 'frames':
        frames(sys.argv[2])
    elif sys.argv[1] == 'reference':
        reference(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(__doc__)
