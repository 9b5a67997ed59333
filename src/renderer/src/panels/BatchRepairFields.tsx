import type { BatchRepairParams } from '../../../shared/ipc/types'
import { RangeField } from '../components/RangeField'
import { useEditor } from '../state/store'
import { modelChoices } from './model-choices'

/**
 * The Batch panel's repair settings (as `heirloom repair <folder>`): each photo's damage is found automatically at
 * this sensitivity (a painted mask fits one photo only) and inpainted with classic OpenCV or LaMa.
 */
export function BatchRepairFields({
  value,
  onChange
}: {
  value: BatchRepairParams
  onChange(v: BatchRepairParams): void
}) {
  const models = useEditor((s) => s.models)
  const lama = modelChoices(models?.models ?? [], 'inpainter').find((m) => m.family === 'lama')
  return (
    <>
      <p className="hint">Mask: found automatically in each photo (faces are protected).</p>
      <label className="field">
        Method
        <select
          value={value.method}
          onChange={(e) => onChange({ ...value, method: e.target.value === 'lama' ? 'lama' : 'classic' })}
          data-testid="batch-repair-method"
        >
          <option value="classic">Classic (OpenCV, no download)</option>
          <option value="lama">LaMa{lama?.state === 'installed' ? '' : ' (download in Models)'}</option>
        </select>
      </label>
      <RangeField
        label={`Sensitivity ${value.sensitivity.toFixed(2)}`}
        min={0}
        max={1}
        step={0.05}
        value={value.sensitivity}
        onChange={(sensitivity) => onChange({ ...value, sensitivity })}
        testId="batch-repair-sensitivity"
      />
    </>
  )
}
