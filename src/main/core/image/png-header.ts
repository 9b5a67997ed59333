import { open } from 'node:fs/promises'

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/**
 * Width/height from a PNG's IHDR. libspng rejects huge declared sizes as a "corrupt header" before sharp can report
 * them, so this is how an oversized PNG gets a TOO_LARGE instead of a DECODE_FAILED.
 */
export async function pngHeaderSize(input: string | Buffer): Promise<{ width: number; height: number } | undefined> {
  let head: Buffer
  if (typeof input === 'string') {
    const fh = await open(input, 'r')
    try {
      head = Buffer.alloc(24)
      const { bytesRead } = await fh.read(head, 0, 24, 0)
      head = head.subarray(0, bytesRead)
    } finally {
      await fh.close()
    }
  } else {
    head = input.subarray(0, 24)
  }
  if (head.length < 24 || !head.subarray(0, 8).equals(SIGNATURE) || head.toString('latin1', 12, 16) !== 'IHDR') {
    return undefined
  }
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) }
}
