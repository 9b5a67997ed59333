import { randomBytes } from 'node:crypto'
import { realpath, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Face } from '../../shared/faces'
import type { OpenedPhoto, PreviewImage } from '../../shared/ipc/types'
import { HeirloomError } from '../core/errors'
import { decodePhoto, probePhoto } from '../core/image/decode'
import { encodePhoto } from '../core/image/encode'
import { resizeRgb } from '../core/image/resize'
import type { DecodedPhoto, RgbImage } from '../core/image/types'
import { EditSession } from '../core/pipeline/edit-session'

export interface PhotoEntry {
  id: string
  /** Real path (symlinks resolved) of a file the user chose in this session. */
  path: string
  info: OpenedPhoto
  /** Faces found by the last detection (the edit session's face list starts from them). */
  faces: Face[]
  rotation: number
  /** Composed edited image cache, dropped whenever the session changes; the original is never modified. */
  edited?: RgbImage
  decoded?: Promise<DecodedPhoto>
  /** Per-face edit layers and history; created on first use. */
  session?: EditSession
  /** Bumped on every change of the composed image. */
  revision: number
}

/** Previews never exceed this side, so a 100 MP scan does not cross IPC at full size. */
const MAX_PREVIEW_SIDE = 8192

/**
 * The photos the user opened in this session. It is the allowlist for every read the renderer can trigger:
 * requests carry opaque photo ids, never paths.
 */
export class PhotoLibrary {
  private readonly photos = new Map<string, PhotoEntry>()

  async open(path: string): Promise<OpenedPhoto> {
    let real: string
    try {
      real = await realpath(path)
    } catch {
      throw new HeirloomError('NOT_FOUND', `The file "${basename(path)}" does not exist.`)
    }
    const st = await stat(real)
    if (!st.isFile()) throw new HeirloomError('UNSUPPORTED', `"${basename(path)}" is not a file.`)
    const header = await probePhoto(real)
    for (const entry of this.photos.values()) {
      if (entry.path === real) return entry.info
    }
    const id = `p${randomBytes(8).toString('hex')}`
    const decoded = decodePhoto(real)
    decoded.catch(() => undefined) // surfaced on first use
    const probe = await decoded
    const info: OpenedPhoto = {
      photoId: id,
      fileName: basename(real),
      width: header.width,
      height: header.height,
      bytes: st.size,
      format: header.format,
      grayscale: probe.grayscale
    }
    this.photos.set(id, { id, path: real, info, faces: [], rotation: 0, decoded, revision: 0 })
    return info
  }

  get(photoId: string): PhotoEntry {
    const entry = this.photos.get(photoId)
    if (!entry) throw new HeirloomError('FORBIDDEN', 'That photo is not open in this session.')
    return entry
  }

  /** True only for files opened in this session (after resolving symlinks). */
  async isOpened(path: string): Promise<boolean> {
    let real: string
    try {
      real = await realpath(path)
    } catch {
      return false
    }
    for (const entry of this.photos.values()) if (entry.path === real) return true
    return false
  }

  async original(photoId: string): Promise<DecodedPhoto> {
    const entry = this.get(photoId)
    entry.decoded ??= decodePhoto(entry.path)
    return entry.decoded
  }

  /** The photo's edit session (faces, layers, history); the decoded original inside is shared, never written. */
  async session(photoId: string): Promise<EditSession> {
    const entry = this.get(photoId)
    if (!entry.session) {
      const photo = await this.original(photoId)
      entry.session ??= new EditSession({ ...photo, sourcePath: entry.path }, entry.faces)
    }
    return entry.session
  }

  /** Call after any session change: drops the composed cache so the next preview shows the new state. */
  touch(photoId: string): number {
    const entry = this.get(photoId)
    entry.edited = undefined
    entry.revision++
    return entry.revision
  }

  /** The composed edited image (cached until the next change). */
  async edited(photoId: string): Promise<RgbImage> {
    const entry = this.get(photoId)
    const session = await this.session(photoId)
    entry.edited ??= session.compose()
    return entry.edited
  }

  async preview(photoId: string, variant: 'original' | 'edited', maxSide?: number): Promise<PreviewImage> {
    const entry = this.get(photoId)
    const photo = await this.original(photoId)
    const source = variant === 'edited' && entry.session ? await this.edited(photoId) : photo.image
    const limit = Math.min(maxSide ?? MAX_PREVIEW_SIDE, MAX_PREVIEW_SIDE)
    const scale = Math.min(1, limit / Math.max(source.width, source.height))
    const image =
      scale < 1
        ? await resizeRgb(
            source,
            Math.max(1, Math.round(source.width * scale)),
            Math.max(1, Math.round(source.height * scale))
          )
        : source
    // PNG for small previews keeps pixels exact (tests compare them); JPEG keeps big ones light.
    const format = image.width * image.height <= 4_000_000 ? 'png' : 'jpeg'
    const bytes = await encodePhoto(image, { format, quality: 92, keepMetadata: false, grayscale: photo.grayscale })
    return {
      mime: format === 'png' ? 'image/png' : 'image/jpeg',
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      width: image.width,
      height: image.height
    }
  }

  close(photoId: string): void {
    this.photos.delete(photoId)
  }
}
