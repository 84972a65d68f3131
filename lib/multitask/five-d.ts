import { FIVE_D_BASINS, Surface2d, fiveDModel, fiveDReducedMap, reducedBall, MULLER_BROWN_5D, THREE_WELL_5D } from '../systems/five-d.js';
import { PathCv } from '../enhanced/path-cv.js';
import { stringMethod } from '../paths/string.js';
import { minimize } from '../dynamics/minimize.js';
import { Rng } from '../dynamics/rng.js';
import { libRef } from '../sampling/module-ref.js';
import type { TaskRunner } from '../sampling/runner.js';
import { uniformSelection } from '../tps/selection.js';
import { basinTrajectories, concatLabelled, shootingData, type LabelledData } from './data.js';

/** kT at 300 K in eV (the temperature of the 5-D models in Sun et al.). */
export const KT_300K_EV = 0.025851999786435;

/** A 5-D configuration with reduced coordinates (x~, y~): angle theta in (x1, x2), phi in (x3, x4), and x5. */
export function embedFiveD(xt: number, yt: number, theta: number, phi: number, x5 = 0): Float64Array {
  const r2 = xt * xt - 1e-7 * x5 * x5;
  if (!(r2 > 0)) throw new RangeError(`embedFiveD: x5 = ${x5} is too large for x~ = ${xt}`);
  const r = Math.sqrt(r2);
  return Float64Array.of(r * Math.cos(theta), r * Math.sin(theta), yt * Math.cos(phi), yt * Math.sin(phi), x5);
}

export interface FiveDDataOptions {
  kind: 'muller-brown' | 'three-well';
  /**
   * Angles of the initial configurations, theta in (x1, x2) and phi in (x3, x4) (the ratios x1/x~ =
   * cos theta, x3/y~ = cos phi): each is drawn uniformly from the even (`parity` 0) or odd (1) ones of
   * `sectors` equal sectors of the circle, so train (0) and test (1) sets start in disjoint regions of
   * 5-D (Sun et al., Fig. 3b) while overlapping in (x~, y~), which is all the energy sees.
   */
  sectors: number;
  parity: 0 | 1;
  /** Basin MD: trajectories per basin (each from its own angles), steps each, frame stride. */
  basinRuns: number;
  basinSteps: number;
  saveEvery: number;
  /** TPS: chains per basin pair (each from its own angles), shooting moves per chain, maximum steps of a half, frame stride. */
  shootingChains: number;
  shootingMoves: number;
  maxSteps: number;
  stride: number;
  /** Standard deviation of the initial x5 (x5 barely enters x~: a large, low-energy fluctuation); default 100. */
  x5Scale?: number;
  /** BAOAB time step and friction (mass 1, energies eV); default 0.01, 5. */
  dt?: number;
  friction?: number;
  /** Radius of the states in (x~, y~); default 0.2. */
  stateRadius?: number;
}

/** Basin names and labels of a 5-D model: Müller-Brown A = 0, B = 1; three-well A = 0, B = 1, C = 2. */
export function fiveDBasins(kind: 'muller-brown' | 'three-well'): { name: string; centre: number[] }[] {
  const b = kind === 'muller-brown' ? FIVE_D_BASINS.mullerBrown : FIVE_D_BASINS.threeWell;
  return Object.entries(b).map(([name, centre]) => ({ name, centre: [...centre] }));
}

/** The 2-D minimum energy path between two basins of a 5-D model (string method on V2d), images [n][2]. */
export function fiveDMep(kind: 'muller-brown' | 'three-well', from: number, to: number, images = 40): Float64Array {
  const s = new Surface2d(kind === 'muller-brown' ? MULLER_BROWN_5D : THREE_WELL_5D);
  const b = fiveDBasins(kind);
  const init = Float64Array.of(...minimize(s, b[from].centre).x, ...minimize(s, b[to].centre).x);
  return stringMethod(s, init, { images, timeStep: 0.01, throwOnFail: true }).images;
}

/**
 * Training or test data for a 5-D model (Sun et al., Sec. III A): basin-confined MD from every basin
 * and TPS relaxation halves between every pair of basins, each for every angle pair, labelled by basin
 * and potential energy (eV). At 300 K (kT 0.02585 eV); BAOAB with mass 1.
 */
export async function fiveDData(runner: TaskRunner, o: FiveDDataOptions, seed: number): Promise<LabelledData> {
  const potential = fiveDModel(o.kind);
  const basins = fiveDBasins(o.kind);
  const rng = new Rng(seed);
  const integrator = { kind: 'baoab' as const, dt: o.dt ?? 0.01, kT: KT_300K_EV, friction: o.friction ?? 5, masses: 1 };
  const radius = o.stateRadius ?? 0.2;
  const x5 = () => rng.normal() * (o.x5Scale ?? 100);
  const starts: { x: Float64Array; label: number }[] = [];
  if (!Number.isInteger(o.sectors) || o.sectors < 2 || o.sectors % 2 !== 0) throw new RangeError(`fiveDData: sectors must be an even integer ≥ 2, got ${o.sectors}`);
  if (o.parity !== 0 && o.parity !== 1) throw new RangeError(`fiveDData: parity must be 0 or 1, got ${String(o.parity)}`);
  const angle = () => ((2 * Math.floor(rng.next() * (o.sectors / 2)) + o.parity + rng.next()) * 2 * Math.PI) / o.sectors;
  basins.forEach((b, label) => {
    for (let r = 0; r < o.basinRuns; r++) starts.push({ x: embedFiveD(b.centre[0], b.centre[1], angle(), angle(), x5()), label });
  });
  const system = libRef('fiveDModel', o.kind);
  const parts: LabelledData[] = [];
  parts.push(await basinTrajectories(runner, { kernel: libRef('langevinKernel', { system, integrator }), potential, starts, nSteps: o.basinSteps, saveEvery: o.saveEvery }, rng.seedInt()));
  for (let i = 0; i < basins.length; i++) {
    for (let j = i + 1; j < basins.length; j++) {
      const mep = fiveDMep(o.kind, i, j);
      const nImg = mep.length / 2;
      const states = { A: libRef('reducedBall', basins[i].centre, radius), B: libRef('reducedBall', basins[j].centre, radius) };
      const kernel = libRef('langevinKernel', { system, integrator, states });
      for (let chain = 0; chain < o.shootingChains; chain++) {
        const th = angle(), ph = angle(), z5 = x5();
        const frames = new Float64Array(nImg * 5);
        for (let k = 0; k < nImg; k++) frames.set(embedFiveD(mep[2 * k], mep[2 * k + 1], th, ph, z5), 5 * k);
        const { data } = await shootingData({
          A: reducedBall(basins[i].centre, radius), B: reducedBall(basins[j].centre, radius), runner, kernel, kT: KT_300K_EV, masses: 1,
          maxSteps: o.maxSteps, stride: o.stride, potential, labelA: i, labelB: j, initialPath: { frames, nFrames: nImg, dim: 5 }, moves: o.shootingMoves, selection: uniformSelection,
        }, rng.seedInt());
        parts.push(data);
      }
    }
  }
  return concatLabelled(parts);
}

/**
 * The "true" 1-D CV of a 5-D model between basins `from` and `to`: a path CV (lib/enhanced PathCv) along
 * the 2-D minimum energy path in (x~, y~), 0 at `from`, 1 at `to`. ModuleRef factory for umbrella workers.
 */
export function fiveDPathCv(kind: 'muller-brown' | 'three-well', from: number, to: number, images = 40): PathCv {
  const mep = fiveDMep(kind, from, to, images);
  return new PathCv(fiveDReducedMap, mep, PathCv.lambdaFor(mep, 2));
}

/**
 * Exact free energy (kT) along any CV that depends on (x~, y~) only, by quadrature in (x~, y~):
 * F(s) = -ln sum over grid cells of J(x~, y~) exp(-V2d / kT) delta(s - s(x~, y~)). The Jacobian of the
 * sampled ensemble is J = x~ y~ (polar area elements of (x1, x2) and (x3, x4)); x5 barely moves on
 * simulation time scales (its force is 1e-7 of the others), so it adds no factor. Bins as in umbrellaPmf
 * (bin centres, 'minimum' zero).
 */
export function reducedPmf(kind: 'muller-brown' | 'three-well', cv: (xt: number, yt: number) => number, grid: { lo: number; hi: number; bins: number }, kT: number, box: { x: [number, number]; y: [number, number]; n: number }): { centers: Float64Array; f: Float64Array } {
  const s2 = new Surface2d(kind === 'muller-brown' ? MULLER_BROWN_5D : THREE_WELL_5D);
  const w = (grid.hi - grid.lo) / grid.bins;
  const mass = new Float64Array(grid.bins);
  const hx = (box.x[1] - box.x[0]) / box.n, hy = (box.y[1] - box.y[0]) / box.n;
  let vmin = Infinity;
  for (let i = 0; i < box.n; i++) for (let j = 0; j < box.n; j++) vmin = Math.min(vmin, s2.evaluate(box.x[0] + (i + 0.5) * hx, box.y[0] + (j + 0.5) * hy).v);
  for (let i = 0; i < box.n; i++) {
    const xt = box.x[0] + (i + 0.5) * hx;
    for (let j = 0; j < box.n; j++) {
      const yt = box.y[0] + (j + 0.5) * hy;
      const b = Math.floor((cv(xt, yt) - grid.lo) / w);
      if (b < 0 || b >= grid.bins) continue;
      mass[b] += xt * yt * Math.exp(-(s2.evaluate(xt, yt).v - vmin) / kT);
    }
  }
  const f = mass.map((m) => -Math.log(m));
  const fmin = Math.min(...f.filter(Number.isFinite));
  return { centers: Float64Array.from({ length: grid.bins }, (_, b) => grid.lo + (b + 0.5) * w), f: f.map((v) => v - fmin) };
}
