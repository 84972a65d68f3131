#!/usr/bin/env python3
"""OpenMM 7.7 references for liquid TIP3P water: NPT density and O-O radial distribution function
(the "TIP3P at 300 K, 1 bar" check of rarelab's explicit-solvent engine), and NVE energy drift.

  water_reference.py npt DIR EQ_PS PROD_PS
      DIR/conf.gro + DIR/topol.top (data/tip3p-box: 348 waters, 2.2 nm) -> LocalEnergyMinimizer
      (10 kJ/mol/nm) -> EQ_PS ps NPT -> DIR/npt-start.gro (positions, velocities, box; the common start
      of both engines' production runs) -> PROD_PS ps NPT production. Settings: GromacsTopFile with
      includeDir data/forcefields, createSystem(nonbondedMethod=PME, nonbondedCutoff=1 nm,
      ewaldErrorTolerance=5e-4, rigidWater=True; dispersion correction on, plain LJ cut-off),
      LangevinMiddleIntegrator 300 K, friction 1/ps, 2 fs, MonteCarloBarostat 1 bar, 300 K, every
      25 steps; seeds 20240611; CPU platform, 1 thread. Writes DIR/npt-reference.json: the density
      (kg/m^3) every 0.1 ps of the production, its mean and block-averaged standard error (10 blocks),
      the O-O g(r) (mdtraj.compute_rdf, 0-1 nm, 0.005 nm bins) over one frame per ps, its first peak
      (quadratic through the highest bin and its neighbours) with standard errors from 10 blocks of frames, and the first 4 RDF frames (oxygen
      positions and boxes) with mdtraj's g(r) over just them, for an exact test of rarelab's rdf.

      With EQ_PS = 0 and DIR/npt-start.gro present, the production continues from that file instead
      (no minimisation or equilibration; seeds as above).

  water_reference.py nve DIR PS
      NVE reference for scripts/nve-water.ts (data/tip3p-216): the same start (DIR/nve-start.json,
      positions and velocities written by that script), VerletIntegrator 1 fs, rigid water (SETTLE;
      constraint tolerance 1e-10), PME r_c 0.9 nm, tolerance 5e-4, dispersion correction, Reference
      platform (double precision); the total energy every 0.05 ps, plain and with the potential-shift
      constants of the pairs within r_c removed (summed by a CustomNonbondedForce in a second
      context), -> DIR/nve-reference.json; prints both least-squares drifts.

Must be run with the Debian python (/usr/bin/python3: openmm 7.7, mdtraj); nice -n 10.
"""
import json
import os
import sys

import numpy as np

DATA = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, DATA)
from solvent_reference import read_gro_xv  # noqa: E402
from equilibrate_solvent import write_gro  # noqa: E402

SEED = 20240611
AMU_PER_NM3_IN_KG_PER_M3 = 1.66053906660
RDF_MAX, RDF_BIN = 1.0, 0.005
NVE_CUTOFF = 0.9


def block_average(series, blocks=10):
    """As lib/stats/block-average.ts: K contiguous blocks, remainder left out, SE = std / sqrt(K)."""
    n = len(series) // blocks
    est = np.array([np.mean(series[k * n:(k + 1) * n]) for k in range(blocks)])
    return float(est.mean()), float(est.std(ddof=1) / np.sqrt(blocks)), est.tolist()


def first_peak(r, g):
    """Highest bin of g and the vertex of the parabola through it and its two neighbours."""
    k = int(np.argmax(g))
    y0, y1, y2 = g[k - 1], g[k], g[k + 1]
    den = y0 - 2 * y1 + y2
    d = 0.5 * (y0 - y2) / den
    h = r[1] - r[0]
    return float(r[k] + d * h), float(y1 - 0.25 * (y0 - y2) * d)


def make_system(d, box):
    import openmm as mm
    from openmm import app, unit
    vectors = [mm.Vec3(box[0], 0, 0), mm.Vec3(0, box[1], 0), mm.Vec3(0, 0, box[2])] * unit.nanometer
    top = app.GromacsTopFile(os.path.join(d, 'topol.top'), periodicBoxVectors=vectors, includeDir=os.path.join(DATA, 'forcefields'))
    system = top.createSystem(nonbondedMethod=app.PME, nonbondedCutoff=1 * unit.nanometer, ewaldErrorTolerance=5e-4, rigidWater=True)
    return top, system, vectors


def npt(d, eq_ps, prod_ps):
    import openmm as mm
    import mdtraj
    from openmm import app, unit
    start = os.path.join(d, 'npt-start.gro')
    resume = eq_ps == 0 and os.path.exists(start)
    x, v, box = read_gro_xv(start if resume else os.path.join(d, 'conf.gro'))
    lines = open(os.path.join(d, 'conf.gro')).read().splitlines()
    atom_lines = lines[2:2 + len(x)]
    top, system, vectors = make_system(d, box)
    baro = mm.MonteCarloBarostat(1 * unit.bar, 300 * unit.kelvin, 25)
    baro.setRandomNumberSeed(SEED)
    system.addForce(baro)
    integ = mm.LangevinMiddleIntegrator(300 * unit.kelvin, 1 / unit.picosecond, 0.002 * unit.picoseconds)
    integ.setRandomNumberSeed(SEED)
    platform = mm.Platform.getPlatformByName('CPU')
    ctx = mm.Context(system, integ, platform, {'Threads': '1'})
    ctx.setPeriodicBoxVectors(*vectors)
    ctx.setPositions([mm.Vec3(*p) for p in x] * unit.nanometer)
    if resume:
        ctx.setVelocities([mm.Vec3(*q) for q in v] * unit.nanometer / unit.picosecond)
    else:
        ctx.applyConstraints(1e-8)
        mm.LocalEnergyMinimizer.minimize(ctx, 10.0, 0)
        ctx.setVelocitiesToTemperature(300 * unit.kelvin, SEED)
    mass = sum(system.getParticleMass(i).value_in_unit(unit.dalton) for i in range(system.getNumParticles()))
    oxygens = [i for i, l in enumerate(atom_lines) if l[10:15].strip().startswith('O')]

    def box_now(state):
        return [v[k] for k, v in enumerate(state.getPeriodicBoxVectors().value_in_unit(unit.nanometer))]

    for k in range(int(eq_ps)):
        integ.step(500)
        b = box_now(ctx.getState())
        print('equilibration', k + 1, 'ps density %.1f' % (mass * AMU_PER_NM3_IN_KG_PER_M3 / np.prod(b)), flush=True)
    st = ctx.getState(getPositions=True, getVelocities=True)
    if not resume:
        write_gro(os.path.join(d, 'npt-start.gro'), f'TIP3P after {eq_ps:g} ps NPT (300 K, 1 bar), OpenMM {mm.__version__} CPU',
                  atom_lines, st.getPositions(asNumpy=True).value_in_unit(unit.nanometer),
                  st.getVelocities(asNumpy=True).value_in_unit(unit.nanometer / unit.picosecond), box_now(st))
    rho, frames, boxes = [], [], []
    for k in range(int(round(prod_ps * 10))):
        integ.step(50)
        want_frame = (k + 1) % 10 == 0
        s = ctx.getState(getPositions=want_frame)
        b = box_now(s)
        rho.append(mass * AMU_PER_NM3_IN_KG_PER_M3 / np.prod(b))
        if want_frame:
            frames.append(s.getPositions(asNumpy=True).value_in_unit(unit.nanometer)[oxygens])
            boxes.append(b)
            print('production', (k + 1) // 10, 'ps density %.1f' % rho[-1], flush=True)
    rho = np.array(rho)
    mean, se, blocks = block_average(rho)
    mtop = mdtraj.Topology()
    chain = mtop.add_chain()
    for _ in oxygens:
        mtop.add_atom('O', mdtraj.element.oxygen, mtop.add_residue('HOH', chain))
    boxes = np.array(boxes)

    def rdf(f0, f1):
        t = mdtraj.Trajectory(np.array(frames[f0:f1]), mtop, unitcell_lengths=boxes[f0:f1], unitcell_angles=np.full((f1 - f0, 3), 90.0))
        pairs = mtop.select_pairs('all', 'all')
        return mdtraj.compute_rdf(t, pairs, r_range=(0, RDF_MAX), bin_width=RDF_BIN, periodic=True)

    r, g = rdf(0, len(frames))
    peak_r, peak_g = first_peak(r, g)
    # block errors: g and its first peak over 10 contiguous blocks of frames
    nb = len(frames) // 10
    block_g = np.array([rdf(k * nb, (k + 1) * nb)[1] for k in range(10)])
    block_peaks = np.array([first_peak(r, bg) for bg in block_g])
    r4, g4 = rdf(0, 4)
    out = {
        'engine': f'OpenMM {mm.__version__} CPU (1 thread)',
        'system': os.path.basename(os.path.normpath(d)), 'waters': len(oxygens),
        'settings': {'temperatureK': 300, 'pressureBar': 1, 'integrator': 'LangevinMiddleIntegrator', 'frictionPerPs': 1, 'dtPs': 0.002,
                     'barostatEverySteps': 25, 'cutoffNm': 1.0, 'ewaldErrorTolerance': 5e-4, 'dispersionCorrection': True, 'rigidWater': True,
                     'seed': SEED, 'equilibrationPs': eq_ps, 'start': 'npt-start.gro' if resume else 'conf.gro', 'productionPs': prod_ps},
        'density': {'everyPs': 0.1, 'kgPerM3': [round(v, 4) for v in rho.tolist()], 'mean': mean, 'standardError': se, 'blocks': blocks},
        'rdf': {'pair': 'OW-OW', 'tool': 'mdtraj.compute_rdf', 'binNm': RDF_BIN, 'frames': len(frames), 'framesEveryPs': 1,
                'r': r.tolist(), 'g': g.tolist(), 'gStandardError': (block_g.std(axis=0, ddof=1) / np.sqrt(10)).tolist(),
                'firstPeak': {'r': peak_r, 'g': peak_g, 'rStandardError': float(block_peaks[:, 0].std(ddof=1) / np.sqrt(10)),
                              'gStandardError': float(block_peaks[:, 1].std(ddof=1) / np.sqrt(10)), 'blocks': block_peaks.tolist()}},
        'rdfCheck': {'oxygens': [f.round(6).flatten().tolist() for f in frames[:4]], 'boxes': boxes[:4].tolist(), 'r': r4.tolist(), 'g': g4.tolist()},
    }
    with open(os.path.join(d, 'npt-reference.json'), 'w') as f:
        json.dump(out, f)
    print('density %.2f +- %.2f kg/m^3 (10 blocks over %g ps); O-O first peak r %.4f nm, g %.3f' % (mean, se, prod_ps, peak_r, peak_g))


def nve(d, ps):
    import openmm as mm
    from openmm import app, unit
    start = json.load(open(os.path.join(d, 'nve-start.json')))
    box = start['box']
    n = len(start['positions']) // 3
    x = np.array(start['positions']).reshape(n, 3)
    v = np.array(start['velocities']).reshape(n, 3)
    vectors = [mm.Vec3(box[0], 0, 0), mm.Vec3(0, box[1], 0), mm.Vec3(0, 0, box[2])] * unit.nanometer
    top = app.GromacsTopFile(os.path.join(d, 'topol.top'), periodicBoxVectors=vectors, includeDir=os.path.join(DATA, 'forcefields'))
    rc = NVE_CUTOFF
    system = top.createSystem(nonbondedMethod=app.PME, nonbondedCutoff=rc * unit.nanometer, ewaldErrorTolerance=5e-4, rigidWater=True)
    nb = [f for f in system.getForces() if isinstance(f, mm.NonbondedForce)][0]
    integ = mm.VerletIntegrator(0.001 * unit.picoseconds)
    integ.setConstraintTolerance(1e-10)
    ctx = mm.Context(system, integ, mm.Platform.getPlatformByName('Reference'))
    ctx.setPeriodicBoxVectors(*vectors)
    ctx.setPositions(x * unit.nanometer)
    ctx.setVelocities(v * unit.nanometer / unit.picosecond)
    alpha = nb.getPMEParametersInContext(ctx)[0]
    # the potential-shift constants of the pairs within r_c (LJ V(r_c) and ke q q erfc(alpha r_c)/r_c),
    # summed by OpenMM's own pair search in a second context: E_shifted = E - this sum
    shift = mm.System()
    shift.setDefaultPeriodicBoxVectors(*vectors)
    cn = mm.CustomNonbondedForce('4*eps*((sig/rc)^12 - (sig/rc)^6) + 138.93545764438198*q1*q2*erfc(alpha*rc)/rc; sig = 0.5*(sig1 + sig2); eps = sqrt(eps1*eps2)')
    cn.addGlobalParameter('rc', rc)
    cn.addGlobalParameter('alpha', alpha)
    for name in ('sig', 'eps', 'q'):
        cn.addPerParticleParameter(name)
    for i in range(nb.getNumParticles()):
        q, sg, ep = nb.getParticleParameters(i)
        shift.addParticle(system.getParticleMass(i))
        cn.addParticle([sg.value_in_unit(unit.nanometer), ep.value_in_unit(unit.kilojoule_per_mole), q.value_in_unit(unit.elementary_charge)])
    for k in range(nb.getNumExceptions()):
        cn.addExclusion(*nb.getExceptionParameters(k)[:2])
    cn.setNonbondedMethod(mm.CustomNonbondedForce.CutoffPeriodic)
    cn.setCutoffDistance(rc)
    shift.addForce(cn)
    sctx = mm.Context(shift, mm.VerletIntegrator(0.001), mm.Platform.getPlatformByName('Reference'))
    sctx.setPeriodicBoxVectors(*vectors)
    dof = 3 * system.getNumParticles() - system.getNumConstraints() - 3
    t, e, es = [], [], []
    every = 50
    for k in range(int(round(ps * 1000 / every)) + 1):
        if k:
            integ.step(every)
        st = ctx.getState(getEnergy=True, getPositions=True)
        ep = st.getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole)
        ek = st.getKineticEnergy().value_in_unit(unit.kilojoule_per_mole)
        sctx.setPositions(st.getPositions())
        c = sctx.getState(getEnergy=True).getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole)
        t.append(k * every * 0.001)
        e.append(ep + ek)
        es.append(ep - c + ek)
        if k % 20 == 0:
            print('%.2f ps Etot %.4f Etot(shifted) %.4f' % (t[-1], e[-1], es[-1]), flush=True)

    def fit(y):
        slope = np.polyfit(t, y, 1)[0]
        return slope * 1000, slope * 1000 / dof

    out = {'engine': f'OpenMM {mm.__version__} Reference', 'system': os.path.basename(os.path.normpath(d)), 'cutoffNm': rc, 'alpha': alpha, 'dtPs': 0.001,
           'constraintTolerance': 1e-10, 'degreesOfFreedom': dof, 'timePs': t, 'totalPlain': e, 'totalShifted': es}
    with open(os.path.join(d, 'nve-reference.json'), 'w') as f:
        json.dump(out, f)
    for name, y in (('plain', e), ('shifted', es)):
        a, b = fit(y)
        print('%s: drift %.2f kJ/mol/ns = %.5f per dof (%d)' % (name, a, b, dof))


if __name__ == '__main__':
    if len(sys.argv) == 5 and sys.argv[1] == 'npt':
        npt(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    elif len(sys.argv) == 4 and sys.argv[1] == 'nve':
        nve(sys.argv[2], float(sys.argv[3]))
    else:
        raise SystemExit(__doc__)
