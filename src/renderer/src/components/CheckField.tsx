import type { ReactNode } from 'react'

/** A checkbox with its label text after it. */
export function CheckField({
  checked,
  onChange,
  testId,
  children
}: {
  checked: boolean
  onChange(checked: boolean): void
  testId?: string
  children: ReactNode
}) {
  return (
    <label className="check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid={testId} />{' '}
      {children}
    </label>
  )
}
