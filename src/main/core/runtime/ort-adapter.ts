/**
 * The only module that imports onnxruntime-node. It turns a model file into a ModelSession, choosing an execution
 * provider and falling back when one cannot create the session or fails on its first run.
 *
 * Provider policy:
 * - `auto`: the platform's GPU providers in order (CUDA when its libraries are installed, DirectML on Windows, CoreML
 *   on macOS, WebGPU everywhere it is bundled), then CPU. A provider that fails to create the session or fails on the
 *   first run is skipped and the next one tried; `session.provider` and `runtimeInfo().lastProvider` say which ran.
 * - An explicit provider (`cpu|cuda|dml|coreml|webgpu`) means that provider only: when it cannot be used the open
 *   fails with MODEL_RUNTIME naming it, so a user who asked for the GPU learns it is not being used.
 * Cancellation: onnxruntime-node 1.30 does not implement RunOptions.terminate and runs the graph synchronously on the
 * calling thread, so an abort is seen when the current run returns: it then rejects with CANCELLED and no queued run
 * starts (a run already started finishes and its result is dropped; dispose waits for it).
 */
import { existsSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { HeirloomError } from '../errors'
import { inspectOnnxFile } from './onnx-inspect'
import type {
  IoInfo,
  ModelSession,
  ProviderId,
  ProviderPreference,
  RunOptions,
  TensorArray,
  TensorData,
  TensorType
} from './types'

export interface OpenSessionOptions {
  provider?: ProviderPreference
  /** Name used in error messages; defaults to the file name. */
  label?: string
  /** `auto` only: try these providers in this order instead of the platform's (CPU is always added last). */
  order?: readonly ProviderId[]
}

export interface RuntimeInfo {
  ortVersion: string
  /** Providers this installation can try, in `auto` order (always ends with cpu). */
  supported: ProviderId[]
  /** Provider that ran the most recent successful session creation + first run. */
  lastProvider?: ProviderId
  /** Why providers were skipped in this process (provider -> first line of the error). */
  skipped: Partial<Record<ProviderId, string>>
}

const TENSOR_TYPES: readonly TensorType[] = ['float32', 'float16', 'float64', 'int64', 'int32', 'uint8', 'bool']

// Provider failures that mean "this provider cannot work in this process" rather than "this model cannot run on it".
const PROVIDER_BROKEN =
  /adapter|failed to load|shared library|backend not found|not available|cannot open shared object/i

const brokenProviders = new Map<ProviderId, string>()
let lastProvider: ProviderId | undefined

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text
  // ORT prefixes messages with its source location; users only need the reason.
  return line
    .replace(/^\/onnxruntime_src\/\S+ /, '')
    .replace(/^.*\bwas false\.\s*/, '')
    .trim()
}

/** Directory holding the native binding, where optional provider libraries (CUDA) get installed. */
function bindingDir(): string | undefined {
  try {
    // CJS bundles (electron-vite, tsx) have __filename; elsewhere resolve from the working dir. NOTE: no
    // import.meta here: Node's module detection would load Playwright's CJS-compiled copy as ESM and break it.
    const req = createRequire(typeof __filename === 'string' ? __filename : join(process.cwd(), 'index.js'))
    const pkgDir = dirname(dirname(req.resolve('onnxruntime-node')))
    return join(pkgDir, 'bin', 'napi-v6', process.platform, process.arch)
  } catch {
    return undefined
  }
}

function cudaInstalled(): boolean {
  if (!ort.listSupportedBackends().some((b) => b.name === 'cuda')) return false
  const dir = bindingDir()
  if (!dir) return false
  const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'
  return existsSync(join(dir, lib))
}

function bundled(name: string): boolean {
  return ort.listSupportedBackends().some((b) => b.name === name && b.bundled)
}

/** Providers `auto` tries on this machine, GPU first, CPU last. */
export function autoProviderOrder(): ProviderId[] {
  const order: ProviderId[] = []
  if ((process.platform === 'linux' || process.platform === 'win32') && cudaInstalled()) order.push('cuda')
  if (process.platform === 'win32') order.push('dml')
  if (process.platform === 'darwin') order.push('coreml')
  if (bundled('webgpu') && webgpuDriverLikely()) order.push('webgpu')
  order.push('cpu')
  return order
}

// Where Linux distributions put the Vulkan loader that Dawn (WebGPU) dlopens.
const VULKAN_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/lib64',
  '/lib'
]

/**
 * On Linux, WebGPU needs the Vulkan loader; without it Dawn prints a warning on every attempt, so skip it upfront.
 * Other platforms ship D3D12 / Metal with the OS.
 */
function webgpuDriverLikely(): boolean {
  if (vulkanLoaderFound()) return true
  if (!brokenProviders.has('webgpu')) brokenProviders.set('webgpu', 'no Vulkan loader (libvulkan.so.1) installed')
  return false
}

function vulkanLoaderFound(): boolean {
  if (process.platform !== 'linux') return true
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...VULKAN_DIRS]
  return dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')))
}

/**
 * Why an explicitly requested provider cannot work here, known before trying it. Trying anyway would only add
 * native text to the terminal (ORT's red provider-bridge error, Dawn's "Couldn't load Vulkan" warning, which no log
 * level silences) before the same failure.
 */
export function providerUnavailable(provider: ProviderId): string | undefined {
  switch (provider) {
    case 'cuda':
      return cudaInstalled()
        ? undefined
        : "the CUDA provider is not installed: onnxruntime-node's CUDA libraries are an opt-in download " +
            '(ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci, on Linux or Windows with an NVIDIA driver)'
    case 'dml':
      return process.platform === 'win32' ? undefined : 'DirectML exists only on Windows'
    case 'coreml':
      return process.platform === 'darwin' ? undefined : 'CoreML exists only on macOS'
    case 'webgpu':
      if (!bundled('webgpu')) return 'this onnxruntime-node build has no WebGPU provider'
      return vulkanLoaderFound()
        ? undefined
        : 'WebGPU needs a Vulkan driver and no Vulkan loader (libvulkan.so.1) is installed ' +
            "(Debian/Ubuntu: apt-get install libvulkan1 and your GPU's Vulkan driver)"
    case 'cpu':
      return undefined
  }
}

function candidates(pref: ProviderPreference, order?: readonly ProviderId[]): ProviderId[] {
  if (pref !== 'auto') return [pref]
  const base = order ? [...order.filter((p) => p !== 'cpu'), 'cpu' as const] : autoProviderOrder()
  return base.filter((p) => p === 'cpu' || !brokenProviders.has(p))
}

function noteFailure(provider: ProviderId, err: unknown): void {
  const reason = firstLine(err)
  if (provider !== 'cpu' && PROVIDER_BROKEN.test(reason)) brokenProviders.set(provider, reason)
}

/**
 * ORT's own log goes straight to stderr in red, multi-line, before our one-line message says the same thing in
 * words (every session failure is rethrown with its reason). Keep it to fatal errors unless HEIRLOOM_DEBUG is set
 * (the CLI's --debug sets it), which shows ORT's raw warnings and errors.
 */
function nativeLogSeverity(): 2 | 4 {
  return process.env.HEIRLOOM_DEBUG ? 2 : 4
}

function sessionOptions(provider: ProviderId): ort.InferenceSession.SessionOptions {
  return { executionProviders: [provider], logSeverityLevel: nativeLogSeverity() }
}

async function createRaw(model: string | Uint8Array, provider: ProviderId): Promise<ort.InferenceSession> {
  // The process-wide ORT environment reads this once, on the first session created (in each process).
  ort.env.logLevel = nativeLogSeverity() === 2 ? 'warning' : 'fatal'
  const opts = sessionOptions(provider)
  return typeof model === 'string' ? ort.InferenceSession.create(model, opts) : ort.InferenceSession.create(model, opts)
}

/** CPU creation failures are about the file itself. */
function invalidModelError(label: string, model: string | Uint8Array, err: unknown): HeirloomError {
  const reason = firstLine(err)
  if (typeof model === 'string' && /external data|no such file|does not exist/i.test(reason)) {
    return new HeirloomError(
      'MODEL_MISSING',
      `Model ${label} is incomplete (a data file beside it is missing): ${reason}`,
      {
        cause: err
      }
    )
  }
  return new HeirloomError('MODEL_INVALID', `Model ${label} is not a loadable ONNX file: ${reason}`, { cause: err })
}

function toIoInfo(meta: readonly ort.InferenceSession.ValueMetadata[] | undefined, names: readonly string[]): IoInfo[] {
  return names.map((name, i) => {
    const m = meta?.find((x) => x.name === name) ?? meta?.[i]
    if (!m || !m.isTensor) return { name, type: 'unknown', dims: [] }
    const type = (TENSOR_TYPES as readonly string[]).includes(m.type) ? (m.type as TensorType) : 'unknown'
    return { name, type, dims: [...m.shape] }
  })
}

function toOrtTensor(t: TensorData): ort.Tensor {
  return new ort.Tensor(t.type, t.data as ort.Tensor.DataType, [...t.dims])
}

function fromOrtTensor(name: string, v: ort.OnnxValue, label: string): TensorData {
  const t = v
  if (!(TENSOR_TYPES as readonly string[]).includes(t.type)) {
    throw new HeirloomError('MODEL_RUNTIME', `Model ${label} returned output "${name}" of unsupported type ${t.type}`)
  }
  return { type: t.type as TensorType, data: t.data as TensorArray, dims: [...t.dims] }
}

function cancelled(): HeirloomError {
  return new HeirloomError('CANCELLED', 'The operation was cancelled.')
}

class OrtModelSession implements ModelSession {
  readonly inputNames: readonly string[]
  readonly outputNames: readonly string[]
  readonly inputs: readonly IoInfo[]
  readonly outputs: readonly IoInfo[]
  onReload?: () => void
  private inner: ort.InferenceSession | undefined
  private reloading: Promise<ort.InferenceSession> | undefined
  private current: ProviderId
  // False until a run succeeds on a provider that still has fallbacks after it.
  private verified: boolean
  private disposed = false
  private readonly inflight = new Set<Promise<unknown>>()

  constructor(
    inner: ort.InferenceSession,
    provider: ProviderId,
    private readonly label: string,
    // Kept to reopen after unload() and on the next provider if the first run fails.
    private readonly origin: string | Uint8Array,
    private remaining: ProviderId[]
  ) {
    this.inner = inner
    this.current = provider
    this.verified = provider === 'cpu' || remaining.length === 0
    this.inputNames = [...inner.inputNames]
    this.outputNames = [...inner.outputNames]
    this.inputs = toIoInfo(inner.inputMetadata, inner.inputNames)
    this.outputs = toIoInfo(inner.outputMetadata, inner.outputNames)
  }

  get provider(): ProviderId {
    return this.current
  }

  get loaded(): boolean {
    return this.inner !== undefined
  }

  async run(
    feeds: Readonly<Record<string, TensorData>>,
    options: RunOptions = {}
  ): Promise<Record<string, TensorData>> {
    const { signal } = options
    if (signal?.aborted) throw cancelled()
    if (this.disposed) throw new HeirloomError('MODEL_RUNTIME', `Model ${this.label} was already disposed`)
    const ortFeeds: Record<string, ort.Tensor> = {}
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrtTensor(t)
    // onnxruntime-node runs the graph synchronously on this thread, so an abort that arrived while the previous run
    // blocked it is only delivered now: give it one turn of the event loop, then do not start a run nobody wants.
    if (signal) {
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (signal.aborted) throw cancelled()
    }

    const result = await this.withAbort(this.runWithFallback(ortFeeds, options.outputs), signal)
    if (signal?.aborted) throw cancelled()
    const out: Record<string, TensorData> = {}
    for (const [name, v] of Object.entries(result)) out[name] = fromOrtTensor(name, v, this.label)
    return out
  }

  /** Reopens after unload() on the provider that worked; concurrent runs share one reopen. */
  private reload(): Promise<ort.InferenceSession> {
    this.reloading ??= createRaw(this.origin, this.current)
      .then((inner) => {
        this.inner = inner
        this.onReload?.()
        return inner
      })
      .catch((err: unknown) => {
        throw new HeirloomError('MODEL_RUNTIME', `Model ${this.label} could not be reloaded: ${firstLine(err)}`, {
          cause: err
        })
      })
      .finally(() => {
        this.reloading = undefined
      })
    return this.reloading
  }

  private async runWithFallback(
    feeds: Record<string, ort.Tensor>,
    fetches: readonly string[] | undefined
  ): Promise<ort.InferenceSession.ReturnType> {
    for (;;) {
      // No await when loaded, so the run is registered as in flight before unload() can look.
      const inner = this.inner ?? (await this.reload())
      try {
        const result = await this.runOnce(inner, feeds, fetches)
        this.verified = true
        lastProvider = this.current
        return result
      } catch (err) {
        if (this.verified) {
          throw new HeirloomError('MODEL_RUNTIME', `Model ${this.label} failed to run: ${firstLine(err)}`, {
            cause: err
          })
        }
        noteFailure(this.current, err)
        await this.switchProvider(err)
      }
    }
  }

  private runOnce(
    inner: ort.InferenceSession,
    feeds: Record<string, ort.Tensor>,
    fetches: readonly string[] | undefined
  ): Promise<ort.InferenceSession.ReturnType> {
    // Run errors are rethrown with their reason, so ORT's own error log line would only repeat them.
    const runOpts: ort.InferenceSession.RunOptions = { logSeverityLevel: nativeLogSeverity() }
    return fetches ? inner.run(feeds, [...fetches], runOpts) : inner.run(feeds, runOpts)
  }

  /** First run failed on a GPU provider: reopen on the next candidate that creates a session. */
  private async switchProvider(cause: unknown): Promise<void> {
    await this.inner?.release().catch(() => undefined)
    this.inner = undefined
    let lastErr: unknown = cause
    while (this.remaining.length > 0) {
      const next = this.remaining.shift()!
      try {
        this.inner = await createRaw(this.origin, next)
        this.current = next
        if (next === 'cpu' || this.remaining.length === 0) this.verified = true
        return
      } catch (err) {
        noteFailure(next, err)
        lastErr = err
      }
    }
    this.verified = true
    throw new HeirloomError('MODEL_RUNTIME', `Model ${this.label} failed to run: ${firstLine(lastErr)}`, {
      cause: lastErr
    })
  }

  private withAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    const tracked = work.finally(() => this.inflight.delete(tracked))
    this.inflight.add(tracked)
    // The native run cannot be stopped; keep its rejection from going unhandled after an abort.
    tracked.catch(() => undefined)
    if (!signal) return tracked
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(cancelled())
      signal.addEventListener('abort', onAbort, { once: true })
      tracked.then(
        (v) => {
          signal.removeEventListener('abort', onAbort)
          resolve(v)
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort)
          reject(e instanceof Error ? e : new Error(String(e)))
        }
      )
    })
  }

  /** Frees the native session (after running work ends); the next run reopens it transparently. */
  async unload(): Promise<void> {
    await this.reloading?.catch(() => undefined)
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight])
    const inner = this.inner
    this.inner = undefined
    await inner?.release()
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    await this.unload()
  }
}

/** MODEL_INVALID / MODEL_MISSING when the file itself is at fault (it does not even load on the CPU). */
async function checkLoadsOnCpu(model: string | Uint8Array, label: string): Promise<void> {
  let cpu: ort.InferenceSession
  try {
    cpu = await createRaw(model, 'cpu')
  } catch (err) {
    throw invalidModelError(label, model, err)
  }
  await cpu.release()
}

/**
 * Opens a model file (or its bytes) on the preferred provider. MODEL_MISSING when the file does not exist,
 * MODEL_INVALID when it is not a loadable ONNX graph, MODEL_RUNTIME when an explicitly requested provider is unusable.
 */
export async function openSession(model: string | Uint8Array, opts: OpenSessionOptions = {}): Promise<ModelSession> {
  const pref = opts.provider ?? 'auto'
  const label = opts.label ?? (typeof model === 'string' ? basename(model) : 'in-memory model')
  if (typeof model === 'string') {
    let isFile: boolean
    try {
      isFile = statSync(model).isFile()
    } catch {
      isFile = false
    }
    if (!isFile) throw new HeirloomError('MODEL_MISSING', `Model file not found: ${model}`)
    // Path traversal, missing sidecars and oversize initializers get their own message before ORT sees the file.
    if (model.toLowerCase().endsWith('.onnx')) await inspectOnnxFile(model)
  }

  const unavailable = pref === 'auto' ? undefined : providerUnavailable(pref)
  if (unavailable) {
    // Still tell a broken file apart from an unusable provider (the file is the first thing to fix).
    await checkLoadsOnCpu(model, label)
    throw new HeirloomError('MODEL_RUNTIME', `The ${pref} execution provider cannot be used here: ${unavailable}.`, {
      reason: 'provider-unavailable',
      fields: { provider: pref, why: unavailable }
    })
  }
  const order = candidates(pref, opts.order)
  const errors: { provider: ProviderId; err: unknown }[] = []
  for (let i = 0; i < order.length; i++) {
    const provider = order[i]
    try {
      const inner = await createRaw(model, provider)
      const session = new OrtModelSession(inner, provider, label, model, order.slice(i + 1))
      if (provider === 'cpu' || pref !== 'auto') lastProvider = provider
      return session
    } catch (err) {
      if (provider === 'cpu') throw invalidModelError(label, model, err)
      noteFailure(provider, err)
      errors.push({ provider, err })
    }
  }

  // Only reached for an explicit non-CPU provider: tell a broken file apart from an unusable provider.
  const failed = errors[0]
  const detail = firstLine(failed.err).replace(/\.$/, '')
  await checkLoadsOnCpu(model, label)
  throw new HeirloomError(
    'MODEL_RUNTIME',
    `The ${failed.provider} execution provider could not run ${label}: ${detail}.`,
    {
      cause: failed.err,
      reason: 'provider-failed',
      fields: { provider: failed.provider, model: label, detail }
    }
  )
}

export function runtimeInfo(): RuntimeInfo {
  const info: RuntimeInfo = {
    ortVersion: ort.env.versions.node ?? ort.env.versions.common,
    supported: autoProviderOrder(),
    skipped: Object.fromEntries(brokenProviders)
  }
  if (lastProvider) info.lastProvider = lastProvider
  return info
}

/** Forget which providers failed (tests, or after the user installs a driver). */
export function resetProviderHealth(): void {
  brokenProviders.clear()
}
