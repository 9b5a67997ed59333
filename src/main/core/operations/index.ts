/**
 * The operation registry: every edit Heirloom can make, looked up by id. The worker, IPC and history labels ask it
 * instead of switching on names; adding an operation is one folder under operations/ plus one line below
 * (docs/ADDING-AN-OPERATION.md). Tests may register a test-only operation and remove it again.
 */
import { HeirloomError } from '../errors'
import type { HistoryEntry } from '../pipeline/edit-session'
import { age } from './age'
import { color } from './color'
import { crop } from './crop'
import { detect } from './detect'
import { repairOp } from './repair'
import { sessionStepLabel } from './labels'
import { restore } from './restore'
import type { Operation } from './types'

export type { Operation, OperationKind, SessionEdit } from './types'
export { defineOperation } from './types'
export { applyPerFace, applyPerPhoto } from './apply'
export { faceStepLabel, photoStepLabel } from './labels'

const registry = new Map<string, Operation>()

/** Adds an operation; returns a function that removes it again (tests). An id is registered once. */
export function registerOperation(op: Operation): () => void {
  if (registry.has(op.id)) throw new HeirloomError('INTERNAL', `Operation "${op.id}" is registered twice.`)
  registry.set(op.id, op)
  return () => {
    if (registry.get(op.id) === op) registry.delete(op.id)
  }
}

export function findOperation(id: string): Operation | undefined {
  return registry.get(id)
}

/** The operation `id`; INVALID_REQUEST naming the known ones when there is none. */
export function getOperation(id: string): Operation {
  const op = registry.get(id)
  if (!op) {
    throw new HeirloomError('INVALID_REQUEST', `Unknown operation "${id}" (known: ${[...registry.keys()].join(', ')}).`)
  }
  return op
}

export function listOperations(): Operation[] {
  return [...registry.values()]
}

/** The display label of a history step: the session's own steps, else its operation's label function. */
export function stepLabel(step: HistoryEntry): string {
  const own = sessionStepLabel(step)
  if (own !== undefined) return own
  const op = registry.get(step.op)
  return op ? op.label(step) : step.op.charAt(0).toUpperCase() + step.op.slice(1)
}

for (const op of [detect, repairOp, restore, age, crop, color]) registerOperation(op)
