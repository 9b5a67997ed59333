import { HeirloomError } from '../errors'

export type FaceChoice = 'all' | readonly number[]

/** Parses `all` or a comma list of face indices (`0,2`). */
export function parseFaceChoice(text: string): FaceChoice {
  const t = text.trim().toLowerCase()
  if (t === 'all' || t === '') return 'all'
  const parts = t.split(',').map((p) => p.trim())
  const out: number[] = []
  for (const p of parts) {
    if (!/^\d+$/.test(p))
      throw new HeirloomError('INVALID_REQUEST', `Faces are "all" or indices like 0,2 (got "${text}").`, {
        reason: 'faces-invalid',
        fields: { text }
      })
    const n = Number(p)
    if (!out.includes(n)) out.push(n)
  }
  return out
}

/** Resolves a choice against `count` faces; indices out of range are an error, not silently dropped. */
export function selectFaces(choice: FaceChoice | undefined, count: number): number[] {
  if (choice === undefined || choice === 'all') return Array.from({ length: count }, (_, i) => i)
  for (const i of choice) {
    if (!Number.isInteger(i) || i < 0 || i >= count) {
      throw new HeirloomError(
        'INVALID_REQUEST',
        `Face ${i} does not exist; the photo has ${count} face${count === 1 ? '' : 's'} (0..${count - 1}).`
      )
    }
  }
  return [...choice]
}
