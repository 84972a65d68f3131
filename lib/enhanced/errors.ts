/**
 * Bad input to the enhanced-sampling tools (windows without samples, non-finite CV values, kappa ≤ 0,
 * a CV of the wrong dimension, …). A named class so callers can tell it from numerical failures.
 */
export class EnhancedSamplingError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'EnhancedSamplingError';
  }
}
