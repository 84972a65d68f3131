#!/usr/bin/env python3
"""ns/day of OpenMM 7.7 on a solvated system, printed as JSON: Reference platform and CPU platform with 1
and 2 threads. Same settings as bench/solvent.bench.ts: GromacsTopFile, PME r_c 1 nm, tolerance 5e-4,
H-bonds constrained, rigid water, LangevinMiddleIntegrator 300 K, friction 1/ps, 2 fs.

  openmm_solvent.py TOP GRO INCLUDE_DIR PS_REFERENCE PS_CPU
Run with /usr/bin/python3 (Debian python3-simtk; the CPU platform needs libopenmm-plugins).
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data'))
from solvent_reference import read_gro_xv  # noqa: E402


def main(top_path, gro_path, include, ps_ref, ps_cpu):
    import openmm as mm
    from openmm import app, unit
    x, _, box = read_gro_xv(gro_path)
    positions = [mm.Vec3(*p) for p in x] * unit.nanometer
    vectors = [mm.Vec3(box[0], 0, 0), mm.Vec3(0, box[1], 0), mm.Vec3(0, 0, box[2])] * unit.nanometer
    top = app.GromacsTopFile(top_path, periodicBoxVectors=vectors, includeDir=include)
    out = {}
    names = [mm.Platform.getPlatform(i).getName() for i in range(mm.Platform.getNumPlatforms())]
    runs = [('Reference', {}, ps_ref)] + ([('CPU', {'Threads': '1'}, ps_cpu), ('CPU', {'Threads': '2'}, ps_cpu)] if 'CPU' in names else [])
    for name, props, ps in runs:
        system = top.createSystem(nonbondedMethod=app.PME, nonbondedCutoff=1 * unit.nanometer, ewaldErrorTolerance=5e-4, constraints=app.HBonds, rigidWater=True)
        integ = mm.LangevinMiddleIntegrator(300 * unit.kelvin, 1 / unit.picosecond, 0.002 * unit.picoseconds)
        integ.setRandomNumberSeed(1)
        ctx = mm.Context(system, integ, mm.Platform.getPlatformByName(name), props)
        ctx.setPositions(positions)
        ctx.setVelocitiesToTemperature(300 * unit.kelvin, 1)
        integ.step(10)  # warm-up
        steps = max(1, int(round(ps / 0.002)))
        t0, c0 = time.perf_counter(), time.process_time()
        integ.step(steps)
        ctx.getState(getEnergy=True)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        ns = steps * 0.002 / 1000
        out[name + (' ' + props['Threads'] + ' thread(s)' if props else '')] = {'wall': ns / wall * 86400, 'cpu': ns / cpu * 86400}
    print(json.dumps(out))


if __name__ == '__main__':
    if len(sys.argv) != 6:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]))
