import type { HistoryEntry } from '../pipeline/edit-session'

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

/** "face 1" / "faces 1, 3": face indices as people count them (from 1). */
export function facesText(faces: readonly number[]): string {
  return `face${faces.length === 1 ? '' : 's'} ${faces.map((i) => String(i + 1)).join(', ')}`
}

/** Default label of a per-face operation's step: "Restore faces 1, 2". */
export const faceStepLabel = (step: HistoryEntry): string => `${capital(step.op)} ${facesText(step.faces)}`

/** Default label of a per-photo operation's step: "Repair photo". */
export const photoStepLabel = (step: HistoryEntry): string => `${capital(step.op)} photo`

const opsOf = (step: HistoryEntry): string => {
  const ops = step.params.ops
  return Array.isArray(ops) ? ops.map(String).join(' + ') : ''
}

/** Labels of the session's own steps (not operations): faces, re-blends, toggles. */
export function sessionStepLabel(step: HistoryEntry): string | undefined {
  switch (step.op) {
    case 'open':
      return 'Open original'
    case 'set-faces':
      return 'Set faces'
    case 'add-face':
      return 'Add face'
    case 'adjust-face':
      return `Adjust ${facesText(step.faces)}`
    case 'delete-face':
      return `Delete ${facesText(step.faces)}`
    case 'strength': {
      const pct = Math.round(Number(step.params.strength) * 100)
      return `${capital(opsOf(step))} strength ${pct}% on ${facesText(step.faces)}`
    }
    case 'show':
    case 'hide':
      return `${capital(step.op)} ${opsOf(step)} on ${facesText(step.faces)}`
    case 'remove-layer':
      return `Remove ${opsOf(step)} on ${facesText(step.faces)}`
    default:
      return undefined
  }
}
