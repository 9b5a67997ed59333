export function ProgressBar({ fraction, label, testId }: { fraction: number | null; label?: string; testId?: string }) {
  const pct = fraction === null ? null : Math.round(Math.min(1, Math.max(0, fraction)) * 100)
  return (
    <div
      className="progress"
      role="progressbar"
      aria-valuenow={pct ?? undefined}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-label={label ?? 'Progress'}
      data-testid={testId}
    >
      <div
        className={`progress-fill${pct === null ? ' indeterminate' : ''}`}
        style={{ width: pct === null ? '30%' : `${pct}%` }}
      />
      {label && <span className="progress-label">{label}</span>}
    </div>
  )
}
