import { useEffect, useState } from 'react'

/** Window-layout preferences (sidebar width, folded sections) kept in localStorage: renderer-only, no IPC. */
export function usePersistentState<T>(key: string, initial: T): [T, (v: T | ((prev: T) => T)) => void] {
  const storageKey = `heirloom.layout.${key}`
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = window.localStorage.getItem(storageKey)
      return raw === null ? initial : (JSON.parse(raw) as T)
    } catch {
      return initial
    }
  })
  useEffect(() => {
    try {
      window.localStorage.setItem(storageKey, JSON.stringify(value))
    } catch {
      // Storage full or disabled: the layout simply is not remembered.
    }
  }, [storageKey, value])
  return [value, setValue]
}
