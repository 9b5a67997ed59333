import type { FaceHelperInfo } from '../../shared/ipc/types'
import type { Engine } from '../core/engine'
import type { DecodedPhoto } from '../core/image/types'
import type { EditSession } from '../core/pipeline/edit-session'
import { openHelpers } from '../core/pipeline/face-helpers'
import { estimateAge, type AgeEstimate } from '../core/stages/age-estimate/fairface'
import { IdentityMeter, type IdentityMeasure, type KeepIdentityResult } from '../core/stages/identity/measure'

interface PhotoMeasures {
  ages: Map<string, AgeEstimate>
  /** Keyed by the face and its layers as they are (ids, strengths, visibility): a re-blend or undo re-measures. */
  identity: Map<string, IdentityMeasure>
  keeps: Map<string, KeepIdentityResult>
}

/** Faces (in order) that get an age estimate before any edit. */
const AGE_ON_OPEN = 16

const faceKey = (s: EditSession, i: number): string => JSON.stringify(s.faces[i].landmarks)
const layerKey = (s: EditSession, i: number): string =>
  faceKey(s, i) + JSON.stringify(s.layers.filter((l) => l.faceIndex === i).map((l) => [l.id, l.strength, l.enabled]))

/**
 * What the helper models say about the faces of each open photo, for the app: the age bucket of every face and the
 * identity similarity of every edited face as composed now. Only installed helpers run (nothing is downloaded);
 * results are cached per face and per layer state, so an unchanged face costs nothing.
 */
export class FaceMeasures {
  private readonly photos = new WeakMap<DecodedPhoto, PhotoMeasures>()

  private of(s: EditSession): PhotoMeasures {
    let m = this.photos.get(s.photo)
    if (!m) {
      m = { ages: new Map(), identity: new Map(), keeps: new Map() }
      this.photos.set(s.photo, m)
    }
    return m
  }

  /** Keep identity's outcome for face `index` (shown with its badge until the face changes). */
  recordKeep(s: EditSession, index: number, keep: KeepIdentityResult): void {
    this.of(s).keeps.set(faceKey(s, index), keep)
  }

  async refresh(engine: Engine, s: EditSession, signal?: AbortSignal): Promise<void> {
    if (s.faces.length === 0) return
    const helpers = await openHelpers(engine, { paste: 'box' })
    const m = this.of(s)
    for (let i = 0; i < s.faces.length; i++) {
      const edited = s.layers.some((l) => l.faceIndex === i && l.enabled && l.strength > 0)
      // A class photo of 80 faces would add seconds to opening it: the first faces get an age now, others once edited.
      if (helpers.ageEstimator && (edited || i < AGE_ON_OPEN) && !m.ages.has(faceKey(s, i)))
        m.ages.set(faceKey(s, i), await estimateAge(helpers.ageEstimator, s.photo.image, s.faces[i], signal))
      if (helpers.identity && edited && !m.identity.has(layerKey(s, i))) {
        const meter = new IdentityMeter(helpers.identity, s)
        m.identity.set(layerKey(s, i), await meter.measure(i, { signal }))
      }
    }
  }

  /** Per face of `s`, what is known now; undefined when no helper has said anything. */
  info(s: EditSession): FaceHelperInfo[] | undefined {
    const m = this.photos.get(s.photo)
    if (!m) return undefined
    const out = s.faces.map((_, i): FaceHelperInfo => {
      const age = m.ages.get(faceKey(s, i))
      const edited = s.layers.some((l) => l.faceIndex === i && l.enabled && l.strength > 0)
      const id = edited ? m.identity.get(layerKey(s, i)) : undefined
      const keep = edited ? m.keeps.get(faceKey(s, i)) : undefined
      return {
        ...(id ? { similarity: Math.round(id.similarity * 1000) / 1000, samePerson: id.samePerson } : {}),
        ...(age ? { ageBucket: age.bucket, ageYears: age.years } : {}),
        ...(keep
          ? {
              keep: {
                reached: keep.reached,
                fromStrength: keep.fromStrength,
                toStrength: keep.toStrength,
                min: keep.min
              }
            }
          : {})
      }
    })
    return out.some((f) => Object.keys(f).length > 0) ? out : undefined
  }
}
