import { HeirloomError } from '../errors'
import { openSession } from './ort-adapter'
import type { ProviderId, ProviderPreference } from './types'

// A 1x4 `output = -input` ONNX graph (written with tests/fixtures/onnx-writer.ts), embedded so the provider probe
// behind `heirloom info` needs no model download.
const PROBE_MODEL_BASE64 =
  'CAgSDmhlaXJsb29tLXRlc3RzOlsKGwoFaW5wdXQSBm91dHB1dBoFTmVnXzAiA05lZxIJbmVnX21vZGVsWhcKBWlucHV0Eg4KDAgBEggKAggBCgIIBGIYCgZvdXRwdXQSDgoMCAESCAoCCAEKAggEQgQKABAR'

/** Opens and runs a tiny session to find which provider really executes on this machine. */
export async function probeProvider(provider: ProviderPreference = 'auto'): Promise<ProviderId> {
  const session = await openSession(Buffer.from(PROBE_MODEL_BASE64, 'base64'), { provider, label: 'provider probe' })
  try {
    const out = await session.run({ input: { type: 'float32', data: Float32Array.from([1, -2, 3, -4]), dims: [1, 4] } })
    const y = out.output?.data
    if (!(y instanceof Float32Array) || y[1] !== 2) {
      throw new HeirloomError('MODEL_RUNTIME', `The ${session.provider} provider returned a wrong probe result`)
    }
    return session.provider
  } finally {
    await session.dispose()
  }
}
