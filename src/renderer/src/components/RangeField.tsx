import type { ReactNode } from 'react'

interface RangeFieldProps {
  /** Text above the slider, usually showing the current value. */
  label: ReactNode
  value: number
  min: number
  max: number
  step?: number
  onChange(value: number): void
  /** Called when the user lets go (pointer or key), so costly work runs once rather than on every tick. */
  onCommit?(): void
  /** Disables the slider and greys out the whole field. */
  disabled?: boolean
  title?: string
  testId?: string
}

/** A labelled slider, the one control shape the side panels share. */
export function RangeField({
  label,
  value,
  min,
  max,
  step,
  onChange,
  onCommit,
  disabled,
  title,
  testId
}: RangeFieldProps) {
  return (
    <label className={`field${disabled ? ' disabled' : ''}`} title={title}>
      {label}
      <input
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(Number(e.target.value))}
        onPointerUp={onCommit}
        onKeyUp={onCommit}
        data-testid={testId}
      />
    </label>
  )
}
