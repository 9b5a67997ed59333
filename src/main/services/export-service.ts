import { basename, dirname, extname, join } from 'node:path'
import { stat } from 'node:fs/promises'
import type { ExportOptions, ExportResult } from '../../shared/ipc/types'
import type { ProvenanceOp } from '../core/image/provenance'
import type { RgbImage } from '../core/image/types'
import { savePhoto } from '../core/image/write'
import { cropRgb, scaleRgb, sideBySide } from './export-image'
import type { HostDialogs } from './host'
import type { PhotoLibrary } from './photo-library'
import type { SettingsStore } from './settings-store'

const EXT: Record<ExportOptions['format'], string> = { png: '.png', jpeg: '.jpg', tiff: '.tif', webp: '.webp' }

/** The name suggested in the save dialog: never the original's own name. */
export function suggestedExportName(original: string, format: ExportOptions['format'], sheet: boolean): string {
  const stem = basename(original, extname(original))
  return `${stem}${sheet ? '-before-after' : '-restored'}${EXT[format]}`
}

/**
 * Export: the save dialog picks the file (remembered as the output folder), then the composed photo (optionally
 * cropped, scaled, or as a before/after sheet) is written atomically with metadata and a provenance note.
 * The original file is a protected path: it cannot be the target even if the user picks it.
 */
export async function exportPhoto(
  o: ExportOptions,
  d: { library: PhotoLibrary; dialogs: HostDialogs; settings: SettingsStore }
): Promise<ExportResult | null> {
  const entry = d.library.get(o.photoId)
  const folder = d.settings.get().outputFolder ?? dirname(entry.path)
  const path = await d.dialogs.saveFile({
    defaultPath: join(folder, suggestedExportName(entry.path, o.format, o.beforeAfterSheet)),
    format: o.format
  })
  if (path === null) return null
  const session = await d.library.session(o.photoId)
  const photo = await d.library.original(o.photoId)
  let image: RgbImage = await d.library.edited(o.photoId)
  const k = image.width / photo.image.width
  const extra: ProvenanceOp[] = []
  if (o.crop) {
    const [x, y, w, h] = o.crop
    image = cropRgb(image, [x * k, y * k, w * k, h * k])
    extra.push({ op: 'crop', params: { box: o.crop.map((v) => Math.round(v)) } })
  }
  if (o.beforeAfterSheet) {
    // Output scales are integers, so the scaled original matches the composed size exactly.
    let before = await scaleRgb(photo.image, k)
    if (o.crop) {
      const [x, y, w, h] = o.crop
      before = cropRgb(before, [x * k, y * k, w * k, h * k])
    }
    image = sideBySide(before, image)
    extra.push({ op: 'before-after-sheet' })
  }
  if (o.scale !== 1) {
    image = await scaleRgb(image, o.scale)
    extra.push({ op: 'resize', params: { scale: o.scale } })
  }
  const sameGeometry = !o.crop && !o.beforeAfterSheet && o.scale === 1 && k === 1
  await savePhoto(path, image, {
    format: o.format,
    quality: o.quality,
    // The native save dialog already asked before replacing an existing file.
    overwrite: true,
    protectedPaths: [entry.path],
    grayscale: photo.grayscale,
    alpha: sameGeometry ? photo.alpha : undefined,
    metadata: photo.metadata,
    keepMetadata: o.keepMetadata,
    provenance: o.provenance ? session.provenance(extra) : undefined
  })
  await d.settings.update({ outputFolder: dirname(path) })
  const st = await stat(path)
  return { fileName: basename(path), folder: dirname(path), bytes: st.size, width: image.width, height: image.height }
}
