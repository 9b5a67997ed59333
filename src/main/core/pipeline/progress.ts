/** Progress events of photo jobs; the worker forwards them as they are. */
export type PipelineProgress =
  | { stage: 'decode' | 'detect' | 'compose' | 'export' }
  | { stage: 'face'; index: number; total: number; faceIndex: number; op: string }
  /** A step inside the face `index` of `total` (the model step has no fraction of its own). */
  | { stage: 'face-step'; index: number; total: number; faceIndex: number; step: FaceStep }
  | { stage: 'tile'; index: number; total: number }
  | { stage: 'download'; model: string; received: number; total?: number }

export type FaceStep = 'align' | 'model' | 'paste'

export type ProgressSink = (event: PipelineProgress) => void
