import type { ReactNode } from 'react'
import { usePersistentState } from '../hooks/usePersistentState'

/**
 * A foldable sidebar section (Lightroom-style): the header button folds it; the content stays mounted while folded,
 * so its settings survive. The section's own title is hidden by CSS in favour of this header.
 */
export function Collapsible({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  const [open, setOpen] = usePersistentState(`section.${id}`, true)
  const bodyId = `section-body-${id}`
  return (
    <div className={`collapsible${open ? '' : ' folded'}`} data-testid={`section-${id}`}>
      <h3 className="section-head">
        <button
          type="button"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => setOpen(!open)}
          data-testid={`fold-${id}`}
        >
          <span className="chevron" aria-hidden>
            {open ? '▾' : '▸'}
          </span>
          {title}
        </button>
      </h3>
      <div id={bodyId} className="collapsible-body" hidden={!open}>
        {children}
      </div>
    </div>
  )
}
