import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { CROP_PRESETS, type CropPreset, fitAspect, initialCrop, snapToFace } from '../canvas/crop-geometry'
import { CheckField } from '../components/CheckField'
import { RangeField } from '../components/RangeField'
import { useEditor } from '../state/store'
import { formatSize } from './model-choices'

type Format = 'png' | 'jpeg' | 'tiff' | 'webp'

/** Crop tool options and export: format, quality, scale, metadata, provenance, before/after sheet. */
export function ExportPanel() {
  const { photo, crop, tool, selected, edit, lastExport, busy, contentCredentials, ownerName } = useEditor(
    useShallow((s) => ({
      photo: s.photo,
      crop: s.crop,
      tool: s.tool,
      selected: s.selected,
      edit: s.edit,
      lastExport: s.lastExport,
      busy: s.busy,
      contentCredentials: s.settings?.contentCredentials ?? true,
      ownerName: s.settings?.ownerName ?? ''
    }))
  )
  const s = useEditor.getState()
  const [format, setFormat] = useState<Format>('jpeg')
  const [quality, setQuality] = useState(92)
  const [scale, setScale] = useState(1)
  const [keepMetadata, setKeepMetadata] = useState(true)
  const [provenance, setProvenance] = useState(true)
  const [sheet, setSheet] = useState(false)
  // With a crop on screen, the crop is what gets saved unless the user picks the whole photo (what you see is
  // what you export).
  const [area, setArea] = useState<'crop' | 'whole'>('crop')
  const cropOnly = crop !== null && area === 'crop'
  if (!photo) return <p className="hint">Open a photo to export it.</p>
  const W = photo.width
  const H = photo.height
  const preset: CropPreset = crop?.preset ?? 'free'
  const startCrop = (p: CropPreset): void => {
    const aspect = CROP_PRESETS[p]
    s.setCrop({ rect: crop ? fitAspect(crop.rect, aspect, W, H) : initialCrop(aspect, W, H), preset: p })
    s.setTool('crop')
  }
  const face = edit?.faces[selected[0] ?? 0]
  return (
    <section className="panel-section" data-testid="export-panel">
      <h3>Crop</h3>
      <div className="row wrap">
        {(Object.keys(CROP_PRESETS) as CropPreset[]).map((p) => (
          <button
            key={p}
            type="button"
            className={crop && preset === p ? 'on' : ''}
            onClick={() => startCrop(p)}
            data-testid={`crop-${p}`}
          >
            {p === 'passport' ? 'Passport 35×45' : p === 'free' ? 'Free' : p}
          </button>
        ))}
      </div>
      <div className="row">
        <button
          type="button"
          disabled={!face}
          onClick={() => {
            if (face) {
              s.setCrop({ rect: snapToFace(face.box, CROP_PRESETS[preset], W, H), preset })
              s.setTool('crop')
            }
          }}
          data-testid="crop-snap-face"
        >
          Snap to face {face ? (selected[0] !== undefined ? selected[0] + 1 : 1) : ''}
        </button>
        <button
          type="button"
          disabled={!crop}
          onClick={() => {
            s.setCrop(null)
            if (tool === 'crop') s.setTool('select')
          }}
          data-testid="crop-clear"
        >
          Clear crop
        </button>
      </div>
      {crop && (
        <p className="hint" data-testid="crop-size">
          Crop {Math.round(crop.rect[2])} × {Math.round(crop.rect[3])} px
        </p>
      )}
      <h3>Export</h3>
      <div className="row">
        <label className="field">
          Format
          <select value={format} onChange={(e) => setFormat(e.target.value as Format)} data-testid="export-format">
            <option value="jpeg">JPEG</option>
            <option value="png">PNG</option>
            <option value="tiff">TIFF</option>
            <option value="webp">WebP</option>
          </select>
        </label>
        <label className="field">
          Scale
          <select value={scale} onChange={(e) => setScale(Number(e.target.value))} data-testid="export-scale">
            <option value={0.5}>50 %</option>
            <option value={1}>100 %</option>
            <option value={2}>200 %</option>
          </select>
        </label>
      </div>
      <RangeField
        label={`Quality ${quality}`}
        min={50}
        max={100}
        value={quality}
        disabled={format !== 'jpeg' && format !== 'webp'}
        onChange={setQuality}
      />
      <CheckField checked={keepMetadata} onChange={setKeepMetadata} testId="export-metadata">
        Keep metadata (EXIF, colour profile)
      </CheckField>
      <CheckField checked={provenance} onChange={setProvenance} testId="export-provenance">
        Add a note of the edits (provenance)
      </CheckField>
      <CheckField
        checked={contentCredentials}
        onChange={(on) => void s.updateSettings({ contentCredentials: on })}
        testId="export-credentials"
      >
        Sign with Content Credentials (C2PA)
      </CheckField>
      {contentCredentials && (
        <label className="field">
          Signed as (your name, optional){' '}
          <input
            type="text"
            maxLength={64}
            defaultValue={ownerName}
            key={ownerName}
            placeholder="Heirloom user"
            // Committed on leaving the field: a new name makes a new signing identity.
            onBlur={(e) => {
              const name = e.target.value.trim()
              if (name !== ownerName) void s.updateSettings({ ownerName: name })
            }}
            data-testid="export-owner-name"
          />
        </label>
      )}
      <CheckField checked={sheet} onChange={setSheet} testId="export-sheet">
        Before/after sheet (both side by side)
      </CheckField>
      {crop && (
        <fieldset className="export-area" data-testid="export-area">
          <legend>Save</legend>
          <label className="check">
            <input
              type="radio"
              name="export-area"
              checked={area === 'crop'}
              onChange={() => setArea('crop')}
              data-testid="export-area-crop"
            />
            The crop ({Math.round(crop.rect[2])} × {Math.round(crop.rect[3])} px)
          </label>
          <label className="check">
            <input
              type="radio"
              name="export-area"
              checked={area === 'whole'}
              onChange={() => setArea('whole')}
              data-testid="export-area-whole"
            />
            The whole photo ({W} × {H} px)
          </label>
        </fieldset>
      )}
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() =>
            void s.exportPhoto({
              format,
              quality,
              scale,
              keepMetadata,
              provenance,
              beforeAfterSheet: sheet,
              cropOnly
            })
          }
          data-testid="export-photo"
        >
          {crop ? (cropOnly ? 'Export crop…' : 'Export whole photo…') : 'Export…'}
        </button>
      </div>
      {lastExport && (
        <p className="hint ok" data-testid="export-result">
          Saved {lastExport.fileName} ({lastExport.width} × {lastExport.height}, {formatSize(lastExport.bytes)}) in{' '}
          {lastExport.folder}
          {lastExport.credentials?.signed
            ? ` · Content Credentials signed by ${lastExport.credentials.signer ?? 'this installation'}`
            : lastExport.credentials?.note && contentCredentials
              ? ` · ${lastExport.credentials.note}`
              : ''}
        </p>
      )}
      <p className="hint">Exports always go to a new file; the original is never overwritten.</p>
    </section>
  )
}
