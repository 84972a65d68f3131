import { Mlp, type MlpJson, type Trainer } from '../nn/index.js';

/**
 * Early stopping (as the LSS paper trains its SRV and MDN, Sec. 3): one epoch of `trainer` at a time,
 * then `validate()`; the weights of the best validation value so far are kept, and training stops after
 * `patience` epochs without improvement or at `maxEpochs`. Returns a new network holding the best
 * weights (the trainer's own network is left at its last weights) and the history.
 */
export interface EarlyStoppingOptions {
  maxEpochs: number;
  patience: number;
  /** 'min' for a loss (default), 'max' for a score such as VAMP-2. */
  direction?: 'min' | 'max';
  onEpoch?: (epoch: number, train: number, validation: number) => void;
}

export interface EarlyStoppingResult {
  best: Mlp;
  bestEpoch: number;
  bestValidation: number;
  train: number[];
  validation: number[];
}

export function fitWithEarlyStopping(trainer: Trainer, data: { x: Float64Array; y: Float64Array; n: number }, validate: () => number, options: EarlyStoppingOptions): EarlyStoppingResult {
  const { maxEpochs, patience } = options;
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1) throw new RangeError(`early stopping: maxEpochs must be a positive integer, got ${maxEpochs}`);
  if (!Number.isInteger(patience) || patience < 1) throw new RangeError(`early stopping: patience must be a positive integer, got ${patience}`);
  const sign = (options.direction ?? 'min') === 'min' ? 1 : -1;
  const train: number[] = [], validation: number[] = [];
  let bestJson: MlpJson = trainer.net.toJSON();
  let bestValidation = validate(), bestEpoch = 0;
  for (let epoch = 1; epoch <= maxEpochs; epoch++) {
    const [l] = trainer.fit(data.x, data.y, data.n, { epochs: 1 });
    const v = validate();
    train.push(l);
    validation.push(v);
    options.onEpoch?.(epoch, l, v);
    if (sign * v < sign * bestValidation) {
      bestValidation = v;
      bestEpoch = epoch;
      bestJson = trainer.net.toJSON();
    } else if (epoch - bestEpoch >= patience) {
      break;
    }
  }
  return { best: Mlp.fromJSON(bestJson), bestEpoch, bestValidation, train, validation };
}
