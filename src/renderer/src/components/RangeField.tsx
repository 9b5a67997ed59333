import { type ReactNode, useEffect, useRef } from 'react'

interface RangeFieldProps {
  /** Text above the slider, usually showing the current value. */
  label: ReactNode
  value: number
  min: number
  max: number
  step?: number
  onChange(value: number): void
  /**
   * Called once per gesture, so costly work (a re-blend, a history step) runs once: when the pointer lets go, or
   * after the keys have been quiet for KEY_GESTURE_MS (or focus leaves), however many arrow presses it took.
   */
  onCommit?(): void
  /** Disables the slider and greys out the whole field. */
  disabled?: boolean
  title?: string
  testId?: string
}

/** Arrow presses closer together than this are one gesture (one history step). */
export const KEY_GESTURE_MS = 600

const GESTURE_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End'])

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
  // The latest onCommit (it closes over the latest value) and the pending keyboard gesture.
  const commitRef = useRef(onCommit)
  commitRef.current = onCommit
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const dirty = useRef(false)
  const flush = (): void => {
    if (timer.current) clearTimeout(timer.current)
    timer.current = null
    if (!dirty.current) return
    dirty.current = false
    commitRef.current?.()
  }
  // A gesture still pending when the field goes away (panel switched by a shortcut) is committed, not lost.
  useEffect(() => flush, [])
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
        onChange={(e) => {
          dirty.current = true
          onChange(Number(e.target.value))
        }}
        onPointerUp={flush}
        onKeyUp={(e) => {
          if (!GESTURE_KEYS.has(e.key) || !dirty.current) return
          if (timer.current) clearTimeout(timer.current)
          timer.current = setTimeout(flush, KEY_GESTURE_MS)
        }}
        onKeyDown={(e) => {
          // A key held down or pressed again extends the gesture.
          if (GESTURE_KEYS.has(e.key) && timer.current) clearTimeout(timer.current)
        }}
        onBlur={flush}
        data-testid={testId}
      />
    </label>
  )
}
