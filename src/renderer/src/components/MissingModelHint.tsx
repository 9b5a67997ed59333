import { useEditor } from '../state/store'

/** Why an action is off because its model is missing, with the way to get it (the Models panel's download). */
export function MissingModelHint(props: {
  reason: string | undefined
  /** The missing model's id, to grey the button while its download runs. */
  modelId: string | undefined
  /** Prefix of the test ids: `<prefix>-reason`, `<prefix>-download`. */
  testPrefix: string
}) {
  const downloading = useEditor((s) => (props.modelId ? !!s.downloads[props.modelId] : false))
  return (
    <p className="hint warn" data-testid={`${props.testPrefix}-reason`}>
      {props.reason}{' '}
      <button
        type="button"
        disabled={downloading}
        onClick={() => useEditor.getState().setPanel('models')}
        data-testid={`${props.testPrefix}-download`}
      >
        Download in Models…
      </button>
    </p>
  )
}
