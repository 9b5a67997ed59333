import type { EditState } from '../../shared/ipc/types'
import type { SessionInfo } from '../worker/protocol'

/** Layer ids cross IPC as `l<number>`; the session's own ids (`restore-3`) stay inside main. */
export const layerWireId = (sessionId: string): string => `l${sessionId.replace(/^\D+-/, '')}`

export function sessionLayerId(session: Pick<SessionInfo, 'layers'>, wireId: string): string {
  const found = session.layers.find((l) => layerWireId(l.id) === wireId)
  return found ? found.id : wireId
}

/** The renderer's view of an edit session: faces, layer descriptors and history labels (no pixels). */
export function editStateOf(photoId: string, session: SessionInfo, revision: number): EditState {
  const labels = session.history
  const current = session.cursor
  const rotation = session.rotation
  return {
    photoId,
    faces: session.faces.map((f) => ({
      ...f,
      box: [...f.box],
      landmarks: f.landmarks.map((p) => [...p]) as typeof f.landmarks
    })),
    rotation,
    layers: session.layers.map((l) => ({
      id: layerWireId(l.id),
      op: l.op === 'age' ? 'age' : 'restore',
      faceIndex: l.faceIndex,
      model: l.model,
      strength: l.strength,
      enabled: l.enabled,
      params: { ...l.params }
    })),
    history: labels.map((label) => ({ label: historyLabel(label) })),
    cursor: current,
    revision,
    outputScale: session.outputScale,
    ...(session.faceInfo ? { faceInfo: session.faceInfo.map((f) => ({ ...f })) } : {})
  }
}

/** Readable step names for the History panel ("restore faces 0,1" -> "Restore faces 1, 2"). */
export function historyLabel(label: string): string {
  if (label === 'open') return 'Open original'
  // "hide restore face 0" -> "Hide restore on face 1"; "strength 40% age faces 0,1" -> "Age strength 40% on faces 1, 2"
  const toggle = /^(hide|show|strength (\d+)%) ([\w+]+) faces? ([\d,]+)$/.exec(label)
  if (toggle) {
    const list = toggle[4].split(',').map((n) => String(Number(n) + 1))
    const on = `on face${list.length === 1 ? '' : 's'} ${list.join(', ')}`
    const ops = toggle[3].replace(/\+/g, ' + ')
    if (toggle[2] !== undefined) return `${ops.charAt(0).toUpperCase()}${ops.slice(1)} strength ${toggle[2]}% ${on}`
    return `${toggle[1] === 'hide' ? 'Hide' : 'Show'} ${ops} ${on}`
  }
  const faces = /^(\w+) faces? ([\d,]+)( \+ restore| \+ keep identity)?$/.exec(label)
  if (faces) {
    const list = faces[2].split(',').map((n) => String(Number(n) + 1))
    const op = faces[1].charAt(0).toUpperCase() + faces[1].slice(1)
    return `${op} face${list.length === 1 ? '' : 's'} ${list.join(', ')}${faces[3] ?? ''}`
  }
  return label.charAt(0).toUpperCase() + label.slice(1)
}
