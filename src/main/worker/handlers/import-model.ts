import type { Handler } from './types'

/** Adds a model file to the store (contract-checked by opening it, which is why it runs here). */
export const importModel: Handler<'importModel'> = {
  queued: true,
  async run(p, { state }) {
    const status = await state.engine.store.importFile(p.idOrKind, p.file)
    return { id: status.id }
  }
}
