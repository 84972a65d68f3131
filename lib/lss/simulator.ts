import { readJson, writeJson, checkInputs } from '../nn/index.js';
import { writeDcd } from '../forcefield/coordinates.js';
import { Rng } from '../dynamics/rng.js';
import { SrvModel, type SrvModelJson } from './srv.js';
import { MdnPropagator, type MdnJson } from './mdn.js';
import { CwganDecoder, type CwganJson } from './cwgan.js';

/**
 * The assembled latent space simulator (LSS paper, Eq. 1 and Fig. 1): encode the start configuration's
 * features with the SRV (E), propagate in the latent space only with the MDN (P; no decoding and
 * re-encoding between steps), decode every latent frame with the cWGAN generator (D). The three trained
 * networks save and load together as one JSON file — the paper's "simulator in a box": load it and
 * generate without retraining; the same seed gives the same trajectory.
 *
 * `encoder` may be null when the propagator works on the features themselves (the 1-D four-well case),
 * `decoder` null when only the latent trajectory is wanted.
 */
export interface LatentSimulatorJson {
  format: 'rarelab.lss';
  version: 1;
  encoder: SrvModelJson | null;
  propagator: MdnJson;
  decoder: CwganJson | null;
  meta?: Record<string, unknown>;
}

export interface SimulatorRun {
  /** Latent trajectory [steps + 1][m], one frame per lag (start included). */
  latent: Float64Array;
  /** Decoded configurations, one Float64Array per frame (null without a decoder). */
  frames: Float64Array[] | null;
}

export class LatentSpaceSimulator {
  constructor(readonly encoder: SrvModel | null, readonly propagator: MdnPropagator, readonly decoder: CwganDecoder | null, readonly meta: Record<string, unknown> = {}) {
    const m = propagator.dim;
    if (encoder && encoder.dimension !== m) throw new RangeError(`LatentSpaceSimulator: the encoder gives ${encoder.dimension} coordinates, the propagator expects ${m}`);
    if (decoder && decoder.conditionDim !== m) throw new RangeError(`LatentSpaceSimulator: the decoder is conditioned on ${decoder.conditionDim} coordinates, the propagator has ${m}`);
  }

  /** Input width of `run`'s start: the encoder's features, or the latent dimension without an encoder. */
  get startDim(): number {
    return this.encoder ? this.encoder.inputDim : this.propagator.dim;
  }

  /**
   * A trajectory of `steps` lags from one start frame (its features, or its latent point without an
   * encoder). The propagator and the decoder draw from independent streams of `seed`.
   */
  run(start: ArrayLike<number>, steps: number, options: { seed: number }): SimulatorRun {
    checkInputs('LatentSpaceSimulator.run (start)', start, 1, this.startDim);
    const rng = new Rng(options.seed);
    const psi0 = this.encoder ? this.encoder.encode(start, 1) : Float64Array.from(start);
    const latent = this.propagator.generate(psi0, steps, { seed: rng.seedInt() });
    let frames: Float64Array[] | null = null;
    if (this.decoder) {
      const D = this.decoder.outputDim;
      const flat = this.decoder.decode(latent, steps + 1, rng.seedInt());
      frames = Array.from({ length: steps + 1 }, (_, f) => flat.slice(f * D, (f + 1) * D));
    }
    return { latent, frames };
  }

  /** Writes decoded frames (Cartesian, nm, [nAtoms * 3] each) as a CHARMM DCD (lib/forcefield). */
  static writeDcd(path: string, frames: Float64Array[], options: { timestep?: number; title?: string } = {}): void {
    writeDcd(path, frames, { timestep: options.timestep, title: options.title ?? 'rarelab latent space simulator trajectory' });
  }

  toJSON(): LatentSimulatorJson {
    return { format: 'rarelab.lss', version: 1, encoder: this.encoder?.toJSON() ?? null, propagator: this.propagator.toJSON(), decoder: this.decoder?.toJSON() ?? null, meta: { ...this.meta } };
  }

  static fromJSON(json: LatentSimulatorJson): LatentSpaceSimulator {
    if (!json || json.format !== 'rarelab.lss') throw new TypeError(`LatentSpaceSimulator.fromJSON: not a rarelab.lss object (format ${JSON.stringify(json?.format)})`);
    if (json.version !== 1) throw new TypeError(`LatentSpaceSimulator.fromJSON: unsupported version ${json.version}`);
    return new LatentSpaceSimulator(json.encoder ? SrvModel.fromJSON(json.encoder) : null, MdnPropagator.fromJSON(json.propagator), json.decoder ? CwganDecoder.fromJSON(json.decoder) : null, json.meta ?? {});
  }

  /** One JSON file holding all three networks and their scalings. */
  save(path: string): void {
    writeJson(path, this.toJSON());
  }

  /** Restores a simulator written by `save` (needs `await initBackend()` first). */
  static load(path: string): LatentSpaceSimulator {
    return LatentSpaceSimulator.fromJSON(readJson(path, 'LatentSpaceSimulator.load') as LatentSimulatorJson);
  }

  dispose(): void {
    this.encoder?.dispose();
    this.propagator.dispose();
    this.decoder?.dispose();
  }
}
