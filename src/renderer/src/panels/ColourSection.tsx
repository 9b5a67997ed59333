import { MissingModelHint } from '../components/MissingModelHint'
import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { CheckField } from '../components/CheckField'
import { RangeField } from '../components/RangeField'
import { useEditor } from '../state/store'
import type { ColourRequest } from '../state/types'
import { modelChoices, preferredModel } from './model-choices'

type RenderSize = NonNullable<ColourRequest['renderSize']>

/**
 * The colouriser's input size shown as DeOldify's "render factor": its filter renders at factor x 16 px
 * (jantic/DeOldify deoldify/filters.py, ColorizerFilter: render_base = 16, targ_sz = render_factor * render_base).
 */
const RENDER_SIZES: RenderSize[] = [192, 256, 384, 512]
const factor = (s: RenderSize): number => s / 16

/**
 * Colour: fade and cast correction (no download) and colourisation of a black-and-white photo (DDColor, DeOldify).
 * One history step through the registry's colour operation; the canvas's compare views show before/after.
 */
export function ColourSection() {
  const { photo, edit, job, models } = useEditor(
    useShallow((s) => ({ photo: s.photo, edit: s.edit, job: s.job, models: s.models }))
  )
  const s = useEditor.getState()
  const colourisers = modelChoices(models?.models ?? [], 'colorizer')
  const [fade, setFade] = useState<'auto' | 'none'>('auto')
  const [keepTone, setKeepTone] = useState(false)
  const [strength, setStrength] = useState(1)
  const [model, setModel] = useState<string>('none')
  const [renderSize, setRenderSize] = useState<RenderSize>(256)
  const [blend, setBlend] = useState(1)
  const [after, setAfter] = useState(false)
  const [force, setForce] = useState(false)
  // A black-and-white photo starts with an installed colouriser chosen, a colour photo with none (fade correction
  // only); per photo, and when the installed set changes. Choosing by hand sticks until then.
  const preferred = preferredModel(colourisers.filter((m) => m.state === 'installed'))
  const photoId = photo?.photoId
  const openedGray = photo?.grayscale ?? false
  useEffect(() => {
    setModel(openedGray && preferred ? preferred : 'none')
    setForce(false)
    setAfter(false)
  }, [photoId, openedGray, preferred])
  const chosen = colourisers.find((m) => m.id === model)
  const colourising = model !== 'none'
  // The photo as edited shows colour (a colour original, or a colourising step in the current state).
  const inColour = edit ? !edit.grayscale : photo ? !photo.grayscale : false
  // Face edits already made (restore, age): the order choice applies.
  const faceEdits = (edit?.layers.length ?? 0) > 0
  const reason =
    fade === 'none' && !colourising
      ? 'Nothing to do: turn fade correction on or choose a colouriser.'
      : chosen && chosen.state !== 'installed'
        ? `Needs ${chosen.name}, which is not installed yet.`
        : undefined
  const apply = (): void => {
    void s.colour({
      fade,
      ...(fade === 'auto' ? { keepTone, strength } : {}),
      colorize: model,
      ...(colourising ? { renderSize, blend, ...(force ? { force } : {}) } : {}),
      ...(faceEdits && after ? { colorizeAfter: true } : {})
    })
  }
  return (
    <section className="panel-section" data-testid="colour-section">
      <h3>Colour</h3>
      <div className="row">
        <label className="field">
          Fading
          <select
            value={fade}
            onChange={(e) => setFade(e.target.value as 'auto' | 'none')}
            title="Levels, white balance and saturation for faded prints and colour casts"
            data-testid="colour-fade"
          >
            <option value="auto">Correct</option>
            <option value="none">Leave</option>
          </select>
        </label>
        <CheckField checked={keepTone} onChange={setKeepTone} testId="colour-keep-tone">
          <span title="Keep a sepia or cyanotype tone instead of neutralising it">Keep tone</span>
        </CheckField>
      </div>
      <RangeField
        label={`Correction ${Math.round(strength * 100)} %`}
        min={0}
        max={1}
        step={0.05}
        value={strength}
        disabled={fade === 'none'}
        onChange={setStrength}
        testId="colour-strength"
      />
      <div className="row">
        <label className="field">
          Colourise
          <select value={model} onChange={(e) => setModel(e.target.value)} data-testid="colour-model">
            <option value="none">None</option>
            {colourisers.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
                {m.state === 'installed' ? '' : m.state === 'downloading' ? ' (downloading…)' : ' (download)'}
                {m.commercialUse ? '' : ' · non-commercial'}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Render factor
          <select
            value={renderSize}
            onChange={(e) => setRenderSize(Number(e.target.value) as RenderSize)}
            disabled={!colourising}
            title="The colouriser's working size: higher gives finer colour detail and takes longer. The lightness is always the photo's own, at full resolution."
            data-testid="colour-render"
          >
            {RENDER_SIZES.map((px) => (
              <option key={px} value={px}>
                {factor(px)} ({px} px)
              </option>
            ))}
          </select>
        </label>
      </div>
      {chosen && chosen.state !== 'installed' && (
        <MissingModelHint reason={reason} modelId={chosen.id} testPrefix="colour" />
      )}
      <RangeField
        label={`Colour ${Math.round(blend * 100)} %`}
        title="How much of the model's colour goes over the black-and-white photo"
        min={0}
        max={1}
        step={0.05}
        value={blend}
        disabled={!colourising}
        onChange={setBlend}
        testId="colour-blend"
      />
      {faceEdits && (
        <>
          <CheckField checked={after} onChange={setAfter} testId="colour-after">
            {colourising ? 'Colourise after restoration' : 'Correct after restoration'}
          </CheckField>
          <p className="hint" data-testid="colour-order">
            {after
              ? 'Works on the photo with its edited faces as they are.'
              : 'Default: colour first, then the faces are restored again on it (restorers learnt on colour faces).'}
          </p>
        </>
      )}
      {colourising && inColour && (
        <>
          <p className="hint warn" data-testid="colour-in-colour">
            This photo is already in colour (sepia and cyanotype prints colourise without forcing).
          </p>
          <CheckField checked={force} onChange={setForce} testId="colour-force">
            Colourise anyway
          </CheckField>
        </>
      )}
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={!!reason || !!job}
          title={reason}
          onClick={apply}
          data-testid="colour-apply"
        >
          {colourising ? 'Colourise' : 'Correct fading'}
        </button>
      </div>
    </section>
  )
}
