/** Every worker request type's handler, one file each; the map's type makes a missing or mistyped one an error. */
import { addFaceBox } from './add-face-box'
import { ageFaces } from './age-faces'
import { ageFile } from './age-file'
import { applyOperation } from './apply-operation'
import { close } from './close'
import { colorFile } from './color-file'
import { compose } from './compose'
import { configure } from './configure'
import { detect } from './detect'
import { detectDamage } from './detect-damage'
import { exportPhoto } from './export'
import { gotoStep } from './goto-step'
import { importModel } from './import-model'
import { info } from './info'
import { inspectModel } from './inspect-model'
import { open } from './open'
import { preview } from './preview'
import { readCredentials } from './read-credentials'
import { redo } from './redo'
import { region } from './region'
import { releaseModel } from './release-model'
import { removeFace } from './remove-face'
import { repairMask } from './repair-mask'
import { restoreFaces } from './restore-faces'
import { restoreFile } from './restore-file'
import { runFileJob } from './run-file-job'
import { runtimeInfo } from './runtime-info'
import { setFaces } from './set-faces'
import { setLayers } from './set-layers'
import { undo } from './undo'
import type { HandlerMap } from './types'

export const handlers: HandlerMap = {
  runFileJob,
  restoreFile,
  ageFile,
  colorFile,
  open,
  detect,
  info,
  setFaces,
  addFaceBox,
  removeFace,
  applyOperation,
  restoreFaces,
  ageFaces,
  detectDamage,
  repairMask,
  setLayers,
  undo,
  redo,
  gotoStep,
  compose,
  preview,
  region,
  export: exportPhoto,
  importModel,
  inspectModel,
  releaseModel,
  configure,
  readCredentials,
  runtimeInfo,
  close
}

export type { Handler, HandlerContext, HandlerMap } from './types'
