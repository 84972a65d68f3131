"""OpenMM reference speed for bench/peptide.bench.ts: alanine dipeptide in vacuum, the same system and
settings as rarelab's measurement (data/alanine-dipeptide topol.top + minimised.gro, AMBER99SB-ILDN, no
cut-off, Langevin at 300 K with friction 1/ps, one thread, velocities drawn at 300 K).

usage: /usr/bin/python3 bench/openmm_peptide.py DT_PS CONSTRAINED(0|1) SIMULATED_PS REPEATS
Prints one JSON line per platform that runs (Reference always; CPU when libopenmm-plugins is installed):
{"platform", "wall": ns/day from wall-clock time, "cpu": ns/day from this process's CPU time}, the best
of REPEATS runs, timed after a warm-up. A platform that cannot be created gives {"platform", "error"}.
Needs the Debian python (python3-simtk, OpenMM 7.7); see /usr/bin/python3 in REFERENCE-TOOLS notes.
"""
import json
import os
import sys
import time

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data')


def main():
    dt, constrained, simulated, repeats = float(sys.argv[1]), sys.argv[2] == '1', float(sys.argv[3]), int(sys.argv[4])
    try:
        import openmm as mm
        from openmm import app, unit
    except ImportError:
        print(json.dumps({'platform': 'any', 'error': 'OpenMM is not installed for /usr/bin/python3 (Debian package python3-simtk)'}), flush=True)
        return
    d = os.path.join(DATA, 'alanine-dipeptide')
    # minimised.gro has 6 decimals, which OpenMM 7.7's GromacsGroFile rejects: read the columns here
    lines = open(os.path.join(d, 'minimised.gro')).read().splitlines()
    positions = [mm.Vec3(*(float(v) for v in line[20:].split()[:3])) for line in lines[2:2 + int(lines[1])]] * unit.nanometer
    top = app.GromacsTopFile(os.path.join(d, 'topol.top'), includeDir=os.path.join(DATA, 'forcefields'))
    steps = round(simulated / dt)
    for name, props in (('Reference', {}), ('CPU', {'Threads': '1'})):
        try:
            platform = mm.Platform.getPlatformByName(name)
        except Exception as e:  # CPU needs libopenmm-plugins
            print(json.dumps({'platform': name, 'error': str(e).splitlines()[0]}), flush=True)
            continue
        system = top.createSystem(nonbondedMethod=app.NoCutoff, constraints=app.HBonds if constrained else None)
        integrator = mm.LangevinMiddleIntegrator(300 * unit.kelvin, 1 / unit.picosecond, dt * unit.picoseconds)
        integrator.setRandomNumberSeed(1)
        if constrained:
            integrator.setConstraintTolerance(1e-10)
        sim = app.Simulation(top.topology, system, integrator, platform, props)
        sim.context.setPositions(positions)
        sim.context.applyConstraints(1e-10)
        sim.context.setVelocitiesToTemperature(300 * unit.kelvin, 1)
        sim.step(min(steps, 2000))  # warm-up
        best = {'wall': 0.0, 'cpu': 0.0}
        for _ in range(repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            sim.step(steps)
            sim.context.getState(getEnergy=True)  # wait for the platform to finish
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            ns = steps * dt / 1000
            best['wall'] = max(best['wall'], ns / wall * 86400)
            best['cpu'] = max(best['cpu'], ns / cpu * 86400 if cpu > 0 else 0)
        print(json.dumps({'platform': name, **best, 'version': mm.version.full_version}), flush=True)


if __name__ == '__main__':
    main()
