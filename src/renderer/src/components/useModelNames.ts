import { useCallback } from 'react'
import { useEditor } from '../state/store'
import type { ModelNames } from '../api/client'

/** Model id -> the name the Models panel shows (ids are for files and the CLI, not for people). */
export function useModelNames(): ModelNames {
  const models = useEditor((s) => s.models?.models)
  return useCallback((id: string) => models?.find((m) => m.id === id)?.name, [models])
}
