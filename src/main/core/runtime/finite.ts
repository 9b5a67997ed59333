import { HeirloomError } from '../errors'

/**
 * Fails with MODEL_FAILED when a model's output holds NaN or ±Inf (fp16 overflow on a GPU does this): pasting such an
 * output gives a black face that would otherwise be reported as a success.
 */
export function assertFinite(data: ArrayLike<number>, label: string): void {
  let bad = 0
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) bad++
  if (bad > 0) {
    throw new HeirloomError(
      'MODEL_FAILED',
      `${label} produced ${bad} non-finite value(s) (NaN/Inf) out of ${data.length}; nothing was pasted. ` +
        'This is usually half-precision (fp16) overflow on a GPU: try the CPU provider or an fp32 export of the model.'
    )
  }
}
