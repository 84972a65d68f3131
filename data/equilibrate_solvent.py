#!/usr/bin/env python3
"""Minimises and equilibrates a solvated system with OpenMM 7.7 (GROMACS's mdrun dies on CPUs without
rdtscp, so OpenMM is the engine that runs everywhere here).

  equilibrate_solvent.py DIR NPT_PS NVT_PS [THREADS]
      DIR/conf.gro + DIR/topol.top -> DIR/minimised.gro (LocalEnergyMinimizer, tolerance 10 kJ/mol/nm,
      rigid TIP3P and X-H bonds constrained) -> NPT_PS ps at 300 K and 1 bar (LangevinMiddleIntegrator,
      friction 1/ps, 2 fs; MonteCarloBarostat every 25 steps) -> NVT_PS ps at the final box ->
      DIR/equilibrated.gro (positions and velocities, 6 decimals) and DIR/equilibration.json (box and
      density every ps). PME r_c 1 nm, tolerance 5e-4, dispersion correction as in the paper's setup.
      Seeds: integrator 20240611, barostat 20240611. CPU platform (THREADS threads, default 2) if
      present, else Reference.

  equilibrate_solvent.py npt DIR PS
      continues from DIR/equilibrated.gro (positions, velocities, box) with PS ps of the same NPT
      dynamics (seed 1) and prints the density every ps and its mean: the reference for
      scripts/npt-density.ts (rarelab's barostat).

Must be run with the Debian python (/usr/bin/python3).
"""
import json
import os
import sys

import numpy as np

DATA = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, DATA)
from solvent_reference import read_gro_xv  # noqa: E402
SEED = 20240611


def write_gro(path, title, atom_lines, x, v, box):
    with open(path, 'w') as f:
        f.write(title + '\n%5d\n' % len(x))
        for l, p, q in zip(atom_lines, x, v):
            f.write(l[:20] + '%11.6f%11.6f%11.6f%11.6f%11.6f%11.6f\n' % (tuple(p) + tuple(q)))
        f.write('%11.6f%11.6f%11.6f\n' % tuple(box))


def main(d, npt_ps, nvt_ps, threads=2):
    import openmm as mm
    from openmm import app, unit
    gro = app.GromacsGroFile(os.path.join(d, 'conf.gro'))
    lines = open(os.path.join(d, 'conf.gro')).read().splitlines()
    atom_lines = lines[2:2 + len(gro.positions)]
    top = app.GromacsTopFile(os.path.join(d, 'topol.top'), periodicBoxVectors=gro.getPeriodicBoxVectors(), includeDir=os.path.join(DATA, 'forcefields'))
    system = top.createSystem(nonbondedMethod=app.PME, nonbondedCutoff=1 * unit.nanometer, ewaldErrorTolerance=5e-4, constraints=app.HBonds, rigidWater=True)
    baro = mm.MonteCarloBarostat(1 * unit.bar, 300 * unit.kelvin, 25)
    baro.setRandomNumberSeed(SEED)
    system.addForce(baro)
    integ = mm.LangevinMiddleIntegrator(300 * unit.kelvin, 1 / unit.picosecond, 0.002 * unit.picoseconds)
    integ.setRandomNumberSeed(SEED)
    names = [mm.Platform.getPlatform(i).getName() for i in range(mm.Platform.getNumPlatforms())]
    platform = mm.Platform.getPlatformByName('CPU' if 'CPU' in names else 'Reference')
    props = {'Threads': str(threads)} if platform.getName() == 'CPU' else {}
    sim = app.Simulation(top.topology, system, integ, platform, props)
    sim.context.setPositions(gro.positions)
    mm.LocalEnergyMinimizer.minimize(sim.context, 10.0, 0)
    st = sim.context.getState(getPositions=True, getEnergy=True)
    box = [v[k] for k, v in enumerate(st.getPeriodicBoxVectors().value_in_unit(unit.nanometer))]
    x = st.getPositions(asNumpy=True).value_in_unit(unit.nanometer)
    write_gro(os.path.join(d, 'minimised.gro'), 'minimised (OpenMM LocalEnergyMinimizer, 10 kJ/mol/nm, constrained)', atom_lines, x, np.zeros_like(x), box)
    log = {'platform': platform.getName(), 'threads': threads if platform.getName() == 'CPU' else 1, 'minimisedEnergy': st.getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole), 'npt': [], 'nvt': []}
    sim.context.setVelocitiesToTemperature(300 * unit.kelvin, SEED)
    mass = sum(system.getParticleMass(i).value_in_unit(unit.dalton) for i in range(system.getNumParticles()))
    for phase, ps in (('npt', npt_ps), ('nvt', nvt_ps)):
        if phase == 'nvt':
            system.removeForce(system.getNumForces() - 1)  # the barostat (added last)
            sim.context.reinitialize(preserveState=True)
        for _ in range(int(ps)):
            sim.step(500)
            s = sim.context.getState(getEnergy=True)
            b = [v[k] for k, v in enumerate(s.getPeriodicBoxVectors().value_in_unit(unit.nanometer))]
            rho = mass * 1.66053906660 / (b[0] * b[1] * b[2])  # kg/m^3
            log[phase].append({'box': b, 'density': rho, 'potential': s.getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole)})
            print(phase, len(log[phase]), 'ps', 'box %.4f' % b[0], 'density %.1f' % rho, flush=True)
    st = sim.context.getState(getPositions=True, getVelocities=True)
    box = [v[k] for k, v in enumerate(st.getPeriodicBoxVectors().value_in_unit(unit.nanometer))]
    write_gro(os.path.join(d, 'equilibrated.gro'), f'equilibrated: {npt_ps} ps NPT (300 K, 1 bar) + {nvt_ps} ps NVT, OpenMM {mm.__version__} {platform.getName()}',
              atom_lines, st.getPositions(asNumpy=True).value_in_unit(unit.nanometer), st.getVelocities(asNumpy=True).value_in_unit(unit.nanometer / unit.picosecond), box)
    with open(os.path.join(d, 'equilibration.json'), 'w') as f:
        json.dump(log, f, indent=1)


def npt(d, ps):
    import openmm as mm
    from openmm import app, unit
    x, v, box = read_gro_xv(os.path.join(d, 'equilibrated.gro'))
    vectors = [mm.Vec3(box[0], 0, 0), mm.Vec3(0, box[1], 0), mm.Vec3(0, 0, box[2])] * unit.nanometer
    top = app.GromacsTopFile(os.path.join(d, 'topol.top'), periodicBoxVectors=vectors, includeDir=os.path.join(DATA, 'forcefields'))
    system = top.createSystem(nonbondedMethod=app.PME, nonbondedCutoff=1 * unit.nanometer, ewaldErrorTolerance=5e-4, constraints=app.HBonds, rigidWater=True)
    baro = mm.MonteCarloBarostat(1 * unit.bar, 300 * unit.kelvin, 25)
    baro.setRandomNumberSeed(1)
    system.addForce(baro)
    integ = mm.LangevinMiddleIntegrator(300 * unit.kelvin, 1 / unit.picosecond, 0.002 * unit.picoseconds)
    integ.setRandomNumberSeed(1)
    names = [mm.Platform.getPlatform(i).getName() for i in range(mm.Platform.getNumPlatforms())]
    platform = mm.Platform.getPlatformByName('CPU' if 'CPU' in names else 'Reference')
    ctx = mm.Context(system, integ, platform, {'Threads': '2'} if platform.getName() == 'CPU' else {})
    ctx.setPeriodicBoxVectors(*vectors)
    ctx.setPositions([mm.Vec3(*p) for p in x] * unit.nanometer)
    ctx.setVelocities([mm.Vec3(*q) for q in v] * unit.nanometer / unit.picosecond)
    mass = sum(system.getParticleMass(i).value_in_unit(unit.dalton) for i in range(system.getNumParticles()))
    rho = []
    for k in range(int(ps)):
        integ.step(500)
        b = ctx.getState().getPeriodicBoxVectors().value_in_unit(unit.nanometer)
        rho.append(mass * 1.66053906660 / (b[0][0] * b[1][1] * b[2][2]))
        print(k + 1, 'ps density %.1f' % rho[-1], flush=True)
    print('mean density %.1f kg/m^3 over %d ps' % (sum(rho) / len(rho), len(rho)))


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'npt':
        npt(sys.argv[2], float(sys.argv[3]))
    elif len(sys.argv) in (4, 5):
        main(sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) == 5 else 2)
    else:
        raise SystemExit(__doc__)
