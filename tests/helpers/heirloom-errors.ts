import { expect } from 'vitest'
import { HeirloomError } from '../../src/main/core/errors'

/** The code of the HeirloomError `p` rejects with (any other error fails the test), or 'resolved'. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'resolved'
  } catch (err) {
    expect(err).toBeInstanceOf(HeirloomError)
    return (err as HeirloomError).code
  }
}

/** The HeirloomError `p` rejects with; resolving, or rejecting with anything else, fails the test. */
export async function failure(p: Promise<unknown>): Promise<HeirloomError> {
  try {
    await p
  } catch (err) {
    if (err instanceof HeirloomError) return err
    throw err
  }
  throw new Error('expected a failure')
}
