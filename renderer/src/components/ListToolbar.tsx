import type { Ref } from 'react';

interface ListToolbarProps {
  title: string;
  /** Items listed; the subtitle stays empty for none. */
  count: number;
  refreshing: boolean;
  onRefresh: () => void;
  addLabel: string;
  addTestId: string;
  /** The Add button, where focus returns when the row that opened a form is gone. */
  addRef: Ref<HTMLButtonElement>;
  onAdd: (opener: HTMLElement) => void;
}

/** The toolbar of a settings list view: title, how many are configured, Refresh and Add. */
export function ListToolbar({
  title,
  count,
  refreshing,
  onRefresh,
  addLabel,
  addTestId,
  addRef,
  onAdd,
}: ListToolbarProps) {
  return (
    <div className="view-toolbar">
      <h1 id="view-title" className="view-title" data-testid="view-title">
        {title}
      </h1>
      <span className="view-subtitle mono">{count === 0 ? '' : `${String(count)} configured`}</span>
      <div className="toolbar-spacer" />
      <button type="button" className="btn btn-small btn-ghost" onClick={onRefresh} disabled={refreshing}>
        Refresh
      </button>
      <button
        ref={addRef}
        type="button"
        className="btn btn-small btn-primary"
        onClick={(e) => {
          onAdd(e.currentTarget);
        }}
        data-testid={addTestId}
      >
        {addLabel}
      </button>
    </div>
  );
}
