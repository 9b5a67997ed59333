import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import './styles.css'

const host = document.getElementById('root')!

/**
 * Last line of defence against a blank window: an error no panel boundary caught unmounts the React tree, so the
 * page says what happened and offers a reload (plain DOM: React itself may be what failed).
 */
function showFatal(error: unknown): void {
  const box = document.createElement('div')
  box.className = 'fatal'
  box.setAttribute('role', 'alert')
  box.dataset.testid = 'fatal'
  const title = document.createElement('p')
  title.textContent = 'Heirloom hit an unexpected problem. Your original photos are never changed.'
  const detail = document.createElement('code')
  detail.textContent = error instanceof Error ? error.message : String(error)
  const reload = document.createElement('button')
  reload.type = 'button'
  reload.className = 'primary'
  reload.textContent = 'Reload window'
  reload.onclick = () => window.location.reload()
  box.append(title, detail, reload)
  document.body.append(box)
}

createRoot(host, { onUncaughtError: (error) => showFatal(error) }).render(
  <StrictMode>
    <App />
  </StrictMode>
)
