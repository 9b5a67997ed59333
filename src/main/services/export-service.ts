import { basename, dirname, extname, join } from 'node:path'
import type { ExportOptions, ExportResult } from '../../shared/ipc/types'
import type { HostDialogs } from './host'
import type { PhotoLibrary } from './photo-library'
import type { PipelineWorkerHost } from './pipeline-host'
import type { SettingsStore } from './settings-store'

const EXT: Record<ExportOptions['format'], string> = { png: '.png', jpeg: '.jpg', tiff: '.tif', webp: '.webp' }

/** The name suggested in the save dialog: never the original's own name. */
export function suggestedExportName(original: string, format: ExportOptions['format'], sheet: boolean): string {
  const stem = basename(original, extname(original))
  return `${stem}${sheet ? '-before-after' : '-restored'}${EXT[format]}`
}

/**
 * Export: the save dialog picks the file (remembered as the output folder), then the worker writes the composed photo
 * (optionally cropped, scaled, or as a before/after sheet) atomically with metadata and a provenance note.
 * The original file is a protected path: it cannot be the target even if the user picks it.
 */
export async function exportPhoto(
  o: ExportOptions,
  d: { library: PhotoLibrary; dialogs: HostDialogs; settings: SettingsStore; worker: PipelineWorkerHost }
): Promise<ExportResult | null> {
  const entry = d.library.get(o.photoId)
  const folder = d.settings.get().outputFolder ?? dirname(entry.path)
  const path = await d.dialogs.saveFile({
    defaultPath: join(folder, suggestedExportName(entry.path, o.format, o.beforeAfterSheet)),
    format: o.format
  })
  if (path === null) return null
  const sessionId = await d.library.sessionId(o.photoId)
  const r = await d.worker.call('export', {
    sessionId,
    output: path,
    format: o.format,
    quality: o.quality,
    // The native save dialog already asked before replacing an existing file.
    overwrite: true,
    ...(o.crop ? { crop: o.crop } : {}),
    beforeAfterSheet: o.beforeAfterSheet,
    resize: o.scale,
    keepMetadata: o.keepMetadata,
    provenance: o.provenance,
    // No photo open in the app is ever a target, even when the save dialog was told to replace it.
    protectedPaths: d.library.openedPaths()
  })
  await d.settings.update({ outputFolder: dirname(path) })
  return {
    fileName: basename(path),
    folder: dirname(path),
    bytes: r.bytes,
    width: r.width,
    height: r.height,
    ...(r.credentials ? { credentials: r.credentials } : {})
  }
}
