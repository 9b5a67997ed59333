import { randomBytes } from 'node:crypto'
import { realpath, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Face } from '../../shared/faces'
import type { OpenedPhoto, PreviewImage, RegionImage } from '../../shared/ipc/types'
import { HeirloomError } from '../core/errors'
import { probePhoto } from '../core/image/decode'
import type { SessionInfo } from '../worker/protocol'
import type { PipelineWorkerHost } from './pipeline-host'

export interface PhotoEntry {
  id: string
  /** Real path (symlinks resolved) of a file the user chose in this session: the only path the worker is given. */
  path: string
  info: OpenedPhoto
  /** The worker's session for this photo and the worker generation it lives in. */
  sessionId?: string
  generation?: number
  /**
   * The faces the worker last reported: only kept to reopen the photo with them after a worker restart (everything
   * else about the edit is asked of the worker, never mirrored here).
   */
  faces: Face[]
  /** Added to the worker session's own revision, so revisions keep growing across a worker restart. */
  revisionBase: number
  /** The last revision handed out. */
  revision: number
}

/**
 * The photos the user opened in this session. It is the allowlist for every read the renderer can trigger:
 * requests carry opaque photo ids, never paths. Pixels and the edit state live in the pipeline worker; this keeps
 * the id -> real path and id -> worker session maps, and asks the worker for the rest.
 */
export class PhotoLibrary {
  private readonly photos = new Map<string, PhotoEntry>()

  constructor(private readonly host: PipelineWorkerHost) {}

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
    // Decoding (and any error in the file) happens in the worker, which keeps the pixels for the edit session.
    const state = await this.host.call('open', { input: real })
    const info: OpenedPhoto = {
      photoId: id,
      fileName: basename(real),
      width: header.width,
      height: header.height,
      bytes: st.size,
      format: header.format,
      grayscale: state.grayscale
    }
    this.photos.set(id, {
      id,
      path: real,
      info,
      sessionId: state.sessionId,
      // The worker that answered is the current one (a crash mid-call rejects the call).
      generation: this.host.generation,
      faces: state.faces,
      revisionBase: 0,
      revision: state.revision
    })
    return info
  }

  get(photoId: string): PhotoEntry {
    const entry = this.photos.get(photoId)
    if (!entry) throw new HeirloomError('FORBIDDEN', 'That photo is not open in this session.')
    return entry
  }

  /** Real paths of every photo open in this session (never an export target). */
  openedPaths(): string[] {
    return [...this.photos.values()].map((e) => e.path)
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

  /** The worker session of an opened photo; after a worker restart it is reopened with the faces it had. */
  async sessionId(photoId: string): Promise<string> {
    const entry = this.get(photoId)
    if (entry.sessionId && entry.generation === this.host.generation && this.host.started) return entry.sessionId
    const state = await this.host.call('open', { input: entry.path, faces: entry.faces })
    entry.sessionId = state.sessionId
    entry.generation = this.host.generation
    // A new session counts from 0 again: start past every revision handed out before.
    entry.revisionBase = entry.revision + 1
    this.record(photoId, state)
    return state.sessionId
  }

  /** Notes the worker's latest report; returns the photo's revision (the worker session's, made monotonic). */
  record(photoId: string, state: SessionInfo): number {
    const entry = this.get(photoId)
    entry.faces = state.faces
    entry.revision = entry.revisionBase + state.revision
    return entry.revision
  }

  async preview(photoId: string, variant: 'original' | 'edited', maxSide?: number): Promise<PreviewImage> {
    const sessionId = await this.sessionId(photoId)
    return this.host.call('preview', { sessionId, variant, ...(maxSide !== undefined ? { maxSide } : {}) })
  }

  async region(
    photoId: string,
    variant: 'original' | 'edited',
    rect: [number, number, number, number]
  ): Promise<RegionImage> {
    const sessionId = await this.sessionId(photoId)
    return this.host.call('region', { sessionId, variant, rect })
  }

  close(photoId: string): void {
    const entry = this.photos.get(photoId)
    this.photos.delete(photoId)
    if (entry?.sessionId && entry.generation === this.host.generation) {
      // Frees the pixels in the worker; nothing waits for it.
      this.host.callIfStarted('close', { sessionId: entry.sessionId })?.catch(() => undefined)
    }
  }
}
