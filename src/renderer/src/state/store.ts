import { create } from 'zustand'
import { createBatchSlice } from './batch-slice'
import { createEditSlice } from './edit-slice'
import { createMaskSlice } from './mask-slice'
import { createModelsSlice } from './models-slice'
import { createPhotoSlice } from './photo-slice'
import type { EditorState } from './types'
import { createUiSlice } from './ui-slice'

export type { LoadedPreview } from './types'

/** The one renderer store, built from slices; actions are named and talk to main only through window.api. */
export const useEditor = create<EditorState>()((set, get) => ({
  ...createUiSlice(set, get),
  ...createPhotoSlice(set, get),
  ...createEditSlice(set, get),
  ...createModelsSlice(set, get),
  ...createBatchSlice(set, get),
  ...createMaskSlice(set, get)
}))

// A mask belongs to one photo: opening another frees it (tens of MB on a large scan) and its detection readout.
useEditor.subscribe((s) => {
  if (s.mask && s.maskPhotoId !== s.photo?.photoId) s.dropMask()
})
