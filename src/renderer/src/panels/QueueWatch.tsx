import { useEffect, useState } from 'react'
import type { QueueWatchView } from '../../../shared/ipc/types'
import { asAppError, call } from '../api/client'

const REFRESH_MS = 3000

/** Watches a Redis/BullMQ queue that `heirloom worker`s on other machines work through (read-only counts). */
export function QueueWatch() {
  const [url, setUrl] = useState('')
  const [queue, setQueue] = useState('heirloom')
  const [watching, setWatching] = useState<{ redisUrl: string; queue: string } | null>(null)
  const [view, setView] = useState<QueueWatchView | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    if (!watching) return
    let live = true
    const poll = async (): Promise<void> => {
      try {
        const v = await call(window.api.watchQueue(watching))
        if (live) {
          setView(v)
          setError(null)
        }
      } catch (err) {
        if (live) setError(asAppError(err).message)
      }
    }
    void poll()
    const timer = setInterval(() => void poll(), REFRESH_MS)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [watching])

  const c = view?.counts
  return (
    <details className="queue-watch" data-testid="queue-watch">
      <summary>Watch a queue (many machines)</summary>
      <p className="hint">
        Photos queued with <code>heirloom queue add</code> and done by <code>heirloom worker</code> on other machines.
      </p>
      <label className="field">
        Redis server
        <input
          type="password"
          autoComplete="off"
          placeholder="redis://host:6379"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          data-testid="queue-url"
        />
      </label>
      <label className="field">
        Queue
        <input value={queue} onChange={(e) => setQueue(e.target.value)} data-testid="queue-name" />
      </label>
      <div className="row">
        <button
          type="button"
          disabled={!/^rediss?:\/\/\S+$/.test(url) || !/^[A-Za-z0-9._-]{1,64}$/.test(queue)}
          onClick={() => {
            setView(null)
            setWatching({ redisUrl: url, queue })
          }}
          data-testid="queue-watch-start"
        >
          Watch
        </button>
        {watching && (
          <button type="button" onClick={() => setWatching(null)}>
            Stop watching
          </button>
        )}
      </div>
      {error && (
        <p className="hint warn" role="alert" data-testid="queue-error">
          {error}
        </p>
      )}
      {watching && c && (
        <p data-testid="queue-counts">
          {view.server}, queue “{view.queue}”: {c.waiting + c.prioritized + c.delayed} waiting, {c.active} running,{' '}
          {c.completed} done, {c.failed} failed
        </p>
      )}
    </details>
  )
}
