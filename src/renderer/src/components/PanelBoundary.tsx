import { Component, Fragment, type ErrorInfo, type ReactNode } from 'react'

interface Props {
  /** What the user calls this part of the window ("Batch panel"), said in the message. */
  name: string
  /** Fetches the data the panel shows again before it is re-mounted (a bad payload may have caused the crash). */
  onReload?(): Promise<unknown> | void
  children: ReactNode
}

interface State {
  error: Error | null
  /** Bumped by "Reload panel": the children are re-mounted with fresh state. */
  attempt: number
}

/**
 * One per panel: a render or effect error (React #185 included) replaces only this panel with what failed and a
 * "Reload panel" action, instead of unmounting the whole window into a blank page.
 */
export class PanelBoundary extends Component<Props, State> {
  override state: State = { error: null, attempt: 0 }

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) }
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error(`${this.props.name} failed:`, error, info.componentStack)
  }

  private readonly reload = (): void => {
    // Fresh data first: re-mounting on the same bad data would only fail again.
    void Promise.resolve(this.props.onReload?.())
      .catch(() => undefined)
      .then(() => this.setState((s) => ({ error: null, attempt: s.attempt + 1 })))
  }

  override render(): ReactNode {
    const { error, attempt } = this.state
    if (!error) return <Fragment key={attempt}>{this.props.children}</Fragment>
    return (
      <div className="panel-crash" role="alert" data-testid="panel-crash" data-panel={this.props.name}>
        <p>
          <b>The {this.props.name} stopped working.</b> Your photo and its edits are safe; reloading the panel usually
          fixes it.
        </p>
        <details>
          <summary>Details</summary>
          <code>{error.message}</code>
        </details>
        <button type="button" className="primary" onClick={this.reload} data-testid="panel-reload">
          Reload panel
        </button>
      </div>
    )
  }
}
