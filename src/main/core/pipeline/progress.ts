/** Progress events of photo jobs; the worker forwards them as they are. */
export type PipelineProgress =
  | { stage: 'decode' | 'detect' | 'compose' | 'export' }
  | { stage: 'face'; index: number; total: number; faceIndex: number; op: string }
  | { stage: 'tile'; index: number; total: number }
  | { stage: 'download'; model: string; received: number; total?: number }

export type ProgressSink = (event: PipelineProgress) => void
