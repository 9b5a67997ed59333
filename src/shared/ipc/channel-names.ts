/**
 * The channel list at run time. Everything else about a channel is derived from it: the request schemas (./schemas)
 * must have exactly these keys, the response and event types (./channels) are indexed by them, and `window.api`
 * (./api) is built from them. Zod-free on purpose: the sandboxed preload imports this file at run time.
 *
 * Adding a channel: its name here, its schema in ./schemas, its response in ResponseContract (./channels) and its
 * handler in src/main/ipc/handlers; window.api and the preload gain it by themselves. Missing any of the three is a
 * compile error (tests/unit/ipc-contract-types.test.ts pins the rest).
 */
export const INVOKE_CHANNELS = [
  'appInfo',
  'openPhotoDialog',
  'registerDrops',
  'openDroppedPhoto',
  'getPreview',
  'getRegion',
  'listFaces',
  'detectFaces',
  'closePhoto',
  'openRecent',
  'getEditState',
  'addFaceBox',
  'deleteFace',
  'restoreFaces',
  'ageFaces',
  'listAgeRoutes',
  'setLayerStrength',
  'setLayerEnabled',
  'undo',
  'redo',
  'gotoStep',
  'cancelJob',
  'exportPhoto',
  'listModels',
  'downloadModel',
  'importModel',
  'verifyModel',
  'inspectModel',
  'removeModel',
  'chooseBatchInput',
  'openDroppedFolder',
  'chooseOutputFolder',
  'runBatch',
  'pauseBatch',
  'openOutputFolder',
  'getSettings',
  'updateSettings',
  'getCredentials',
  'watchQueue',
  'applyOperation',
  'detectDamage',
  'repairMask'
] as const

export const EVENT_CHANNELS = ['jobProgress', 'menuAction', 'modelProgress', 'batchProgress'] as const

export type InvokeChannel = (typeof INVOKE_CHANNELS)[number]
export type EventChannel = (typeof EVENT_CHANNELS)[number]

/** Preload only (not on window.api): the preload registers the paths of a trusted drop itself. */
export const PRELOAD_ONLY_CHANNELS = ['registerDrops'] as const satisfies readonly InvokeChannel[]
/** On window.api these take the dropped File (the preload swaps it for main's token), not the wire request. */
export const DROP_CHANNELS = ['openDroppedPhoto', 'openDroppedFolder'] as const satisfies readonly InvokeChannel[]

/** Channel names on the wire. */
export const invokeChannelName = (c: InvokeChannel): string => `heirloom:${c}`
export const eventChannelName = (c: EventChannel): string => `heirloom:event:${c}`
