import { MissingModelHint } from '../components/MissingModelHint'
import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { CheckField } from '../components/CheckField'
import { RangeField } from '../components/RangeField'
import type { RepairMethod } from '../api/repair-api'
import { BRUSH_MAX, BRUSH_MIN } from '../canvas/mask-paint'
import { currentMask } from '../state/mask-slice'
import { useEditor } from '../state/store'
import { modelChoices } from './model-choices'

/** Masks over this share are refused by the core (stages/repair MAX_MASK_SHARE): wrong masks, not damage. */
const MAX_MASK_PERCENT = 60

// The size slider is logarithmic: 1..1000 px with as much travel for 2..20 px (dust) as for 100..1000 (tears).
const LOG_MAX = Math.log(BRUSH_MAX / BRUSH_MIN)
const sizeToSlider = (size: number): number => Math.log(size / BRUSH_MIN) / LOG_MAX
const sliderToSize = (v: number): number => Math.round(BRUSH_MIN * Math.exp(v * LOG_MAX))

const percent = (p: number): string => (p > 0 && p < 0.01 ? '< 0.01' : p.toFixed(2))

/**
 * Repair: find scratches, dust and tears (Detect damage, sensitivity), correct the mask with brush and eraser on the
 * photo (mask tool, M), then inpaint it (classic OpenCV, or LaMa when installed) as one history step through the
 * operation registry. The calls to main are the typed RepairApi (api/repair-api.ts).
 */
export function RepairSection() {
  const { photo, job, models, tool, brush, maskShown, damage, detecting, mask, cursor } = useEditor(
    useShallow((s) => ({
      photo: s.photo,
      job: s.job,
      models: s.models,
      tool: s.tool,
      brush: s.brush,
      maskShown: s.maskShown,
      damage: s.damage,
      detecting: s.detectingDamage,
      mask: currentMask(s),
      cursor: s.edit?.cursor,
      // Re-render on every mask change, for the area readout and undo.
      revision: s.maskRevision
    }))
  )
  const s = useEditor.getState()
  const [sensitivity, setSensitivity] = useState(0.5)
  const [method, setMethod] = useState<RepairMethod>('classic')
  // The mask a history step used comes back with that step (undo / redo / a jump in History).
  useEffect(() => {
    if (cursor !== undefined) void useEditor.getState().syncMaskFromHistory()
  }, [cursor])
  const lama = modelChoices(models?.models ?? [], 'inpainter').find((m) => m.family === 'lama')
  const lamaReady = lama?.state === 'installed'
  const area = mask?.areaPercent ?? 0
  const painting = tool === 'mask'
  const reason =
    method === 'lama' && !lamaReady
      ? `Needs ${lama?.name ?? 'the LaMa model'}, which is not installed yet.`
      : area > MAX_MASK_PERCENT
        ? `The mask covers ${area.toFixed(0)} % of the photo: more than ${MAX_MASK_PERCENT} % is not damage to repair.`
        : undefined
  return (
    <section className="panel-section" data-testid="repair-section">
      <h3>Repair</h3>
      <RangeField
        label={`Sensitivity ${sensitivity.toFixed(2)}`}
        title="Higher finds fainter scratches and smaller specks, and takes more for damage"
        min={0}
        max={1}
        step={0.05}
        value={sensitivity}
        onChange={setSensitivity}
        testId="repair-sensitivity"
      />
      <div className="row">
        <button
          type="button"
          disabled={detecting || !!job || !photo}
          title={
            damage ? 'Replaces the mask with a new detection (Ctrl+Z in the mask tool brings yours back)' : undefined
          }
          onClick={() => void s.detectDamage(sensitivity)}
          data-testid="repair-detect"
        >
          {detecting ? 'Detecting…' : damage ? 'Detect again' : 'Detect damage'}
        </button>
        <CheckField checked={maskShown} onChange={s.setMaskShown} testId="repair-show-mask">
          Show mask
        </CheckField>
      </div>
      <div className="row" role="group" aria-label="Mask tool">
        <button
          type="button"
          className={painting ? 'on' : ''}
          aria-pressed={painting}
          onClick={s.toggleMaskTool}
          title="Paint the mask on the photo (M)"
          data-testid="repair-paint"
        >
          Paint mask
        </button>
        <button
          type="button"
          className={brush.mode === 'brush' ? 'on' : ''}
          aria-pressed={brush.mode === 'brush'}
          onClick={() => s.setBrush({ mode: 'brush' })}
          title="Brush: adds damage (B, with the mask tool)"
          data-testid="repair-brush"
        >
          Brush
        </button>
        <button
          type="button"
          className={brush.mode === 'eraser' ? 'on' : ''}
          aria-pressed={brush.mode === 'eraser'}
          onClick={() => s.setBrush({ mode: 'eraser' })}
          title="Eraser: removes damage (E, with the mask tool)"
          data-testid="repair-eraser"
        >
          Eraser
        </button>
      </div>
      <RangeField
        label={`Size ${brush.size} px`}
        title="Brush diameter in photo pixels ([ smaller, ] larger)"
        min={0}
        max={1}
        step={0.001}
        value={sizeToSlider(brush.size)}
        onChange={(v) => s.setBrush({ size: sliderToSize(v) })}
        testId="repair-size"
      />
      <RangeField
        label={`Hardness ${Math.round(brush.hardness * 100)} %`}
        title="Soft brushes mark damage where they cover at least half ({ softer, } harder)"
        min={0}
        max={1}
        step={0.05}
        value={brush.hardness}
        onChange={(hardness) => s.setBrush({ hardness })}
        testId="repair-hardness"
      />
      <div className="row">
        <button
          type="button"
          disabled={!mask?.canUndo}
          onClick={() => s.undoMask()}
          title="Undo the last stroke (Ctrl+Z in the mask tool)"
          data-testid="repair-undo-stroke"
        >
          Undo stroke
        </button>
        <button
          type="button"
          disabled={!mask || area === 0}
          onClick={s.clearMask}
          title="Empty the mask (undoable)"
          data-testid="repair-clear"
        >
          Clear mask
        </button>
      </div>
      <p className="hint" data-testid="repair-area" data-area={area.toFixed(4)}>
        Mask: {percent(area)} % of the photo
        {damage ? ` · ${damage.regions.length} region${damage.regions.length === 1 ? '' : 's'} found` : ''}
      </p>
      <label className="field">
        Method
        <select value={method} onChange={(e) => setMethod(e.target.value as RepairMethod)} data-testid="repair-method">
          <option value="classic">Classic (OpenCV, no download)</option>
          <option value="lama">
            LaMa{lamaReady ? '' : lama?.state === 'downloading' ? ' (downloading…)' : ' (download)'}
          </option>
        </select>
      </label>
      {method === 'lama' && !lamaReady && <MissingModelHint reason={reason} modelId={lama?.id} testPrefix="repair" />}
      {area > MAX_MASK_PERCENT && (
        <p className="hint warn" data-testid="repair-reason">
          {reason}
        </p>
      )}
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={!!reason || !!job}
          title={reason ?? (area === 0 ? 'No mask yet: damage is detected at this sensitivity first' : undefined)}
          onClick={() => void s.repairDamage({ method, sensitivity })}
          data-testid="repair-run"
        >
          {area === 0 ? 'Repair (detect automatically)' : 'Repair'}
        </button>
      </div>
    </section>
  )
}
