import type { FaceHelperInfo } from '../../../shared/ipc/types'

/** OpenCV's SFace threshold: under it the two faces would be called different people. */
const SAME_PERSON = 0.363

function keepText(k: NonNullable<FaceHelperInfo['keep']>): string {
  const pct = (s: number): string => `${Math.round(s * 100)} %`
  if (k.fromStrength === k.toStrength) return 'Keep identity: nothing to lower.'
  return k.reached
    ? `Keep identity lowered the strength ${pct(k.fromStrength)} → ${pct(k.toStrength)}.`
    : `Keep identity could not reach ${k.min}: even at ${pct(k.toStrength)} strength the face differs.`
}

/**
 * One small badge per face: how much the edited face still looks like the original (SFace cosine similarity; warning
 * colour under the same-person threshold) and the estimated age bucket ("about 30-39"). Never race or gender.
 */
export function FaceHelperBadges({ info }: { info: readonly FaceHelperInfo[] | undefined }) {
  const rows = (info ?? []).map((f, i) => ({ f, i })).filter(({ f }) => f.similarity !== undefined || f.ageBucket)
  if (rows.length === 0) return null
  return (
    <ul className="face-badges" data-testid="face-badges">
      {rows.map(({ f, i }) => {
        const low = f.similarity !== undefined && !(f.similarity >= SAME_PERSON)
        return (
          <li key={i} data-testid={`face-badge-${i}`}>
            Face {i + 1}
            {f.similarity !== undefined && (
              <span
                className={`badge identity${low ? ' low' : ''}`}
                title={
                  (low
                    ? 'Under 0.363: the result may not look like the same person. '
                    : 'Similarity to the original face (SFace; 0.363 or more = same person). ') +
                  (f.keep ? keepText(f.keep) : '')
                }
                data-testid={`face-identity-${i}`}
                data-low={low ? 'true' : 'false'}
              >
                identity {f.similarity.toFixed(2)}
              </span>
            )}
            {f.ageBucket && (
              <span
                className="badge"
                title="Estimated age range (FairFace), not an exact age"
                data-testid={`face-age-${i}`}
              >
                about {f.ageBucket}
              </span>
            )}
          </li>
        )
      })}
    </ul>
  )
}
