import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { removeStaleTempFiles } from '../../src/main/core/io/write-atomic'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A pid that certainly ran and exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(r.stdout)
}

describe('removeStaleTempFiles', () => {
  it("removes a dead writer's temp files (recursively) and keeps live ones and real outputs", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heirloom-stale-'))
    dirs.push(dir)
    mkdirSync(join(dir, 'sub'))
    const dead = deadPid()
    const stale = [join(dir, `.a.jpg.${dead}.0a1b2c3d.tmp`), join(dir, 'sub', `.b.png.${dead}.deadbeef.tmp`)]
    const live = join(dir, `.c.jpg.${process.pid}.01234567.tmp`)
    const keep = [join(dir, 'a.jpg'), join(dir, '.hidden-note.tmp'), live]
    for (const f of [...stale, ...keep]) writeFileSync(f, 'x')
    const removed = await removeStaleTempFiles(dir, { recursive: true })
    expect(removed.sort()).toEqual(stale.sort())
    for (const f of stale) expect(existsSync(f)).toBe(false)
    for (const f of keep) expect(existsSync(f)).toBe(true)
  })

  it('is a no-op on a missing folder', async () => {
    expect(await removeStaleTempFiles(join(tmpdir(), 'heirloom-no-such-dir-xyz'))).toEqual([])
  })
})
