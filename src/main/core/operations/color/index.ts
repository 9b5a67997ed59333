import { z } from 'zod'
import type { Engine } from '../../engine'
import { HeirloomError } from '../../errors'
import type { EditSession, HistoryEntry } from '../../pipeline/edit-session'
import { openRestoreDeps } from '../../pipeline/restore-deps'
import { colorStepSchema } from '../../pipeline/recipe-steps'
import { COLORIZER_MODELS, DEFAULT_RENDER_SIZE } from '../../stages/color'
import { restoreOperation } from '../restore/face-operation'
import { facesText } from '../labels'
import { defineOperation, type SessionEdit } from '../types'
import { colorFileJob } from './file-job'
import { colorPhotoOperation, colorizes } from './photo-operation'

/**
 * Params of a colour edit: the recipe's colour step (the CLI's --fade/--keep-tone/--strength/--colorize/
 * --render-size/--blend/--force, one schema for both) plus where it goes when faces were already edited.
 */
export const colorParams = colorStepSchema.omit({ op: true }).extend({
  /**
   * With face edits already made: true colours the photo as edited (faces included, as `--colorize-after`);
   * false (default) colours the photo under them and restores those faces again, so the restorer sees colour.
   */
  colorizeAfter: z.boolean().optional()
})
export type ColorOpParams = z.infer<typeof colorParams>

/** The colouriser's manifest id when these params colourise with one (none for fade correction or a file). */
export function colorModels(_engine: Engine | undefined, p: Pick<ColorOpParams, 'colorize'>): string[] {
  return p.colorize && p.colorize !== 'none' ? [COLORIZER_MODELS[p.colorize].id] : []
}

/**
 * "Colour first" with face layers: the restore layers were made on the photo before this edit (gray, or with its
 * old cast) and would paste that over the new colours; they are restored again on the new base with the same model,
 * settings, strength and mask. Other face edits (age) cannot be redone from their layer: the user is asked to
 * colour after them instead.
 */
async function redoRestoreLayers(engine: Engine, session: EditSession, edit: SessionEdit): Promise<number> {
  const groups = new Map<
    string,
    { model: string; fidelity?: number; colorTransfer: boolean; enabled: boolean; faces: number[] } & Pick<
      SessionEdit,
      'strength' | 'mask'
    >
  >()
  for (const l of session.layers) {
    const fidelity = typeof l.params.fidelity === 'number' ? l.params.fidelity : undefined
    const colorTransfer = l.params.colorTransfer === true
    const key = JSON.stringify([l.model, fidelity, colorTransfer, l.strength, l.mask, l.enabled])
    let g = groups.get(key)
    if (!g)
      groups.set(
        key,
        (g = {
          model: l.model,
          fidelity,
          colorTransfer,
          enabled: l.enabled,
          strength: l.strength,
          mask: l.mask,
          faces: []
        })
      )
    g.faces.push(l.faceIndex)
  }
  let steps = 0
  for (const g of groups.values()) {
    const deps = await openRestoreDeps(engine, { model: g.model })
    const op = restoreOperation(deps.restorer, { fidelity: g.fidelity, colorTransfer: g.colorTransfer })
    const added = await session.applyOperation(op, {
      faces: g.faces,
      strength: g.strength,
      mask: g.mask,
      signal: edit.signal,
      onProgress: edit.onProgress
    })
    steps++
    // A hidden layer stays hidden (redone, so showing it later shows the colour version).
    if (!g.enabled) {
      session.setEnabled(
        added.map((l) => l.id),
        false
      )
      steps++
    }
  }
  return steps
}

async function applyColor(
  engine: Engine,
  session: EditSession,
  params: ColorOpParams,
  edit: SessionEdit
): Promise<void> {
  const { colorizeAfter, ...step } = params
  const faceLayers = session.layers
  const over = colorizeAfter && faceLayers.length > 0 ? 'composed' : 'base'
  if (over === 'base' && faceLayers.some((l) => l.op !== 'restore')) {
    const ops = [...new Set(faceLayers.filter((l) => l.op !== 'restore').map((l) => l.op))].join(', ')
    throw new HeirloomError(
      'INVALID_REQUEST',
      `The faces have ${ops} edits made before this colour edit, which cannot be redone on the new colours. ` +
        'Choose "Colourise after restoration" to colour the photo as edited, or undo those edits first.',
      { reason: 'face-edits-first' }
    )
  }
  // The restorers the faces are redone with, before any colouriser time (one MODEL_MISSING naming them).
  if (over === 'base') await engine.ensureModels([...new Set(faceLayers.map((l) => l.model))])
  const mark = session.mark()
  try {
    await session.applyPhotoOperation(
      colorPhotoOperation(engine, step),
      { signal: edit.signal, onProgress: edit.onProgress, over },
      params
    )
    const redone = over === 'base' && faceLayers.length > 0 ? await redoRestoreLayers(engine, session, edit) : 0
    // One user action, one undo: the colour edit and the faces restored again on it.
    if (redone > 0) {
      const faces = [...new Set(faceLayers.map((l) => l.faceIndex))].sort((a, b) => a - b)
      session.squashSteps(1 + redone, { op: 'color', faces, params })
    }
  } catch (err) {
    session.rollback(mark)
    throw err
  }
}

const pct = (x: unknown): string => `${Math.round(Number(x) * 100)} %`

/** "Colour: fade auto" / "Colourise ddcolor (256)" / "Colourise deoldify (384) 70 % + fade, after restoration". */
export function colorStepLabel(step: HistoryEntry): string {
  const p = step.params as Partial<ColorOpParams>
  const fade = (p.fade ?? 'auto') === 'auto'
  const fadeWords = `fade auto${p.keepTone ? ', keep tone' : ''}${p.strength !== undefined && p.strength !== 1 ? ` ${pct(p.strength)}` : ''}`
  // A colour-first step that restored faces again names them ("... , faces 1, 2 restored again").
  const after = p.colorizeAfter
    ? ', after restoration'
    : step.faces.length > 0
      ? `, ${facesText(step.faces)} restored again`
      : ''
  if (!colorizes(p)) return `Colour: ${fade ? fadeWords : 'none'}${after}`
  const model = p.colorize && p.colorize !== 'none' ? p.colorize : 'model file'
  const blend = p.blend !== undefined && p.blend !== 1 ? ` ${pct(p.blend)}` : ''
  return `Colourise ${model} (${p.renderSize ?? DEFAULT_RENDER_SIZE})${blend}${fade ? ` + ${fadeWords}` : ''}${after}`
}

/** Fade correction and colourisation of the whole photo (stages/color): a new base under the face layers. */
export const color = defineOperation({
  id: 'color',
  kind: 'photo',
  params: colorParams,
  models: colorModels,
  apply: applyColor,
  fileJob: colorFileJob,
  label: colorStepLabel
})
