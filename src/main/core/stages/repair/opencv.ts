/**
 * Loads OpenCV.js (@techstark/opencv-js, Apache-2.0) once. It is a WebAssembly build of OpenCV 4.12 whose module
 * resolves after the runtime initialises; every repair stage awaits the same instance.
 */
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type * as CV from '@techstark/opencv-js'

export type Cv = typeof CV

// Boxed: the module is a thenable, so a promise resolved WITH it would try to adopt it (and never settle).
let loading: Promise<{ cv: Cv }> | undefined

export async function loadOpenCv(): Promise<Cv> {
  loading ??= (async () => {
    // require, not import: the package is a UMD script that electron-vite must not try to bundle or transform.
    // Same resolution as ort-adapter: CJS bundles and tsx have __filename; no import.meta (see there).
    const req = createRequire(typeof __filename === 'string' ? __filename : join(process.cwd(), 'index.js'))
    // Its Emscripten glue adds process-wide uncaughtException / unhandledRejection handlers (the latter aborts and
    // prints the whole 10 MB script): keep the process's own error handling.
    const before = {
      ex: process.listeners('uncaughtException'),
      rej: process.listeners('unhandledRejection')
    }
    const mod = req('@techstark/opencv-js') as Cv | Promise<Cv>
    for (const l of process.listeners('uncaughtException'))
      if (!before.ex.includes(l)) process.removeListener('uncaughtException', l)
    for (const l of process.listeners('unhandledRejection'))
      if (!before.rej.includes(l)) process.removeListener('unhandledRejection', l)
    if (mod instanceof Promise) return { cv: await mod }
    const cv = mod as Cv & { then?: (f: () => void) => void }
    if (typeof cv.Mat !== 'function') {
      // The Emscripten module is a thenable that settles once the runtime is up. Never `await` it directly: it
      // resolves to itself, a thenable again, and the await would never end.
      await new Promise<void>((done) => {
        if (typeof cv.then === 'function') cv.then(() => done())
        const poll = setInterval(() => {
          if (typeof cv.Mat === 'function') {
            clearInterval(poll)
            done()
          }
        }, 20)
      })
    }
    // Drop the thenable once ready, so callers can await and return the module like any value.
    delete cv.then
    return { cv }
  })()
  return (await loading).cv
}

/** Deletes OpenCV.js objects (their memory lives in the WebAssembly heap, not the JS garbage collector's). */
export function free(...mats: ({ delete(): void; isDeleted?: () => boolean } | undefined)[]): void {
  for (const m of mats) if (m && !(m.isDeleted?.() ?? false)) m.delete()
}
