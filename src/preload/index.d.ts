import type { HeirloomApi } from '../shared/ipc/api'

declare global {
  interface Window {
    api: HeirloomApi
  }
}

export {}
