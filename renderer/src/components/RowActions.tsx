import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';

interface RowActionsProps {
  /** The item's name, for the Remove button's and the confirm group's labels. */
  name: string;
  /** "source" or "channel": the test ids are `${prefix}-remove`, `-remove-confirm`, `-remove-cancel`. */
  testIdPrefix: string;
  /** What removing leaves behind, e.g. "Remove? Its incidents stay." */
  confirmText: string;
  /** The row action waiting for the core, if any. */
  running: string | undefined;
  /** Resolves false when the core refused, which brings the buttons back. */
  onRemove: () => Promise<boolean>;
  /** The row's other buttons, before Remove. */
  children: ReactNode;
}

/**
 * The actions cell of a list row: its buttons and Remove, which asks first.
 * Focus moves to Keep when asking and back to Remove when the answer is Keep.
 */
export function RowActions({
  name,
  testIdPrefix,
  confirmText,
  running,
  onRemove,
  children,
}: RowActionsProps) {
  const [confirming, setConfirming] = useState(false);
  const keepRef = useRef<HTMLButtonElement>(null);
  const removeRef = useRef<HTMLButtonElement>(null);
  const busy = running !== undefined;

  useEffect(() => {
    if (confirming) keepRef.current?.focus();
  }, [confirming]);

  const cancelRemove = (): void => {
    setConfirming(false);
    requestAnimationFrame(() => removeRef.current?.focus());
  };

  if (confirming) {
    return (
      <div
        className="source-confirm"
        role="group"
        aria-label={`Remove ${name}?`}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            cancelRemove();
          }
        }}
      >
        <span className="small">{confirmText}</span>
        <button
          type="button"
          className="btn btn-small btn-danger"
          disabled={busy}
          onClick={() => {
            void onRemove().then((removed) => {
              if (!removed) cancelRemove();
            });
          }}
          data-testid={`${testIdPrefix}-remove-confirm`}
        >
          {running === 'remove' ? 'Removing…' : 'Remove'}
        </button>
        <button
          ref={keepRef}
          type="button"
          className="btn btn-small btn-ghost"
          disabled={running === 'remove'}
          onClick={cancelRemove}
          data-testid={`${testIdPrefix}-remove-cancel`}
        >
          Keep
        </button>
      </div>
    );
  }

  return (
    <div className="source-actions">
      {children}
      <button
        ref={removeRef}
        type="button"
        className="btn btn-small btn-ghost btn-danger-text"
        aria-label={`Remove ${name}`}
        disabled={busy}
        onClick={() => {
          setConfirming(true);
        }}
        data-testid={`${testIdPrefix}-remove`}
      >
        Remove
      </button>
    </div>
  );
}
