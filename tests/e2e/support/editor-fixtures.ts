import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Page, test } from '@playwright/test'
import { ModelStore } from '../../../src/main/core/models/store'
import { negateRestorer } from '../../fixtures/model-graphs'
import { CHROMIUM, ROOT } from './bridge'

export const SHARED = process.env.HEIRLOOM_SHARED_DIR ?? join(ROOT, '..', 'shared')
export const YUNET = join(SHARED, 'models', 'yunet_s_640_640.onnx')
export const SCREENS = join(ROOT, 'test-results', 'screens')

/**
 * Call first inside an editor suite's describe: skips it, saying why, unless Chromium, the built renderer and the
 * shared models are there, and makes the screenshot folder.
 */
export function requireEditorPrereqs(): void {
  test.skip(!existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}`)
  test.skip(!existsSync(join(ROOT, 'out', 'renderer', 'index.html')), 'renderer not built: run npm run build')
  test.skip(!existsSync(YUNET), 'shared models absent')
  test.beforeAll(() => mkdirSync(SCREENS, { recursive: true }))
}

/** A models dir with the real YuNet (as yunet-2023mar) and the negate stand-in under gfpgan-1.4 (unpinned entry). */
export async function prepareModels(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'heirloom-e2e-models-'))
  const store = new ModelStore({ dir })
  await store.importFile('yunet-2023mar', YUNET)
  const neg = join(dir, 'negate-standin.onnx')
  writeFileSync(neg, negateRestorer(512))
  await store.importFile('gfpgan-1.4', neg)
  return dir
}

/** Copies a shared photo into a fresh folder, so exports and hashes never touch ../shared. */
export function photoCopy(name: string): { dir: string; path: string; sha: string } {
  const dir = mkdtempSync(join(tmpdir(), 'heirloom-e2e-photo-'))
  const path = join(dir, name)
  copyFileSync(join(SHARED, 'photos', name), path)
  return { dir, path, sha: sha256(path) }
}

export const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

interface KonvaWindow {
  Konva: {
    stages: {
      container(): HTMLElement
      x(): number
      y(): number
      scaleX(): number
      findOne(sel: string): { getClientRect(): { x: number; y: number; width: number; height: number } } | undefined
    }[]
  }
}

/** The main stage's viewport (image -> stage transform) and its position on the page. */
export async function stageView(
  page: Page,
  testId = 'stage-main'
): Promise<{ x: number; y: number; scale: number; left: number; top: number }> {
  return page.evaluate((id) => {
    const w = window as unknown as KonvaWindow
    const stage = w.Konva.stages.find(
      (s) => s.container().closest(`[data-testid="${id}"]`) || s.container().getAttribute('data-testid') === id
    )!
    const r = stage.container().getBoundingClientRect()
    return { x: stage.x(), y: stage.y(), scale: stage.scaleX(), left: r.left, top: r.top }
  }, testId)
}

/** RGB drawn on the stage's photo layer (its first canvas) at image point (x, y). */
export async function pixelAt(page: Page, ix: number, iy: number, testId = 'stage-main'): Promise<number[]> {
  return page.evaluate(
    ([id, x, y]) => {
      const w = window as unknown as KonvaWindow
      const stage = w.Konva.stages.find(
        (s) => s.container().closest(`[data-testid="${id}"]`) || s.container().getAttribute('data-testid') === id
      )!
      const canvas = stage.container().querySelector('canvas')!
      const ratio = canvas.width / canvas.getBoundingClientRect().width
      const sx = (x * stage.scaleX() + stage.x()) * ratio
      const sy = (y * stage.scaleX() + stage.y()) * ratio
      return Array.from(canvas.getContext('2d')!.getImageData(Math.round(sx), Math.round(sy), 1, 1).data.slice(0, 3))
    },
    [testId, ix, iy] as const
  )
}

export const close = (a: number[], b: number[], tol: number): boolean => a.every((v, i) => Math.abs(v - b[i]) <= tol)
