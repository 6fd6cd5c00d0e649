import { useEffect, useRef } from 'react';
import type { ReactNode, SubmitEvent } from 'react';

interface FormDialogProps {
  /** The form's `useId`; the title is `${uid}-title`. */
  uid: string;
  /** "source" or "channel": prefixes the test ids of the form, its error and buttons. */
  testIdPrefix: string;
  dialogClassName: string;
  formClassName: string;
  title: string;
  /** The id of a saved item, shown next to the title. */
  savedId: string | null;
  /** Focused once the dialog opens. */
  initialFocusId: string;
  /** Label of Save for a new item ("Add source"). */
  addLabel: string;
  saving: boolean;
  formMessage: string;
  onSubmit: (event: SubmitEvent<HTMLFormElement>) => void;
  onCancel: () => void;
  children: ReactNode;
}

/**
 * The modal shell of an add/edit form: focus moves in on open and Escape
 * closes through the parent, a title with the saved id, the form-level
 * message and Cancel / Save.
 */
export function FormDialog({
  uid,
  testIdPrefix,
  dialogClassName,
  formClassName,
  title,
  savedId,
  initialFocusId,
  addLabel,
  saving,
  formMessage,
  onSubmit,
  onCancel,
  children,
}: FormDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return undefined;
    if (!dialog.open) dialog.showModal();
    document.getElementById(initialFocusId)?.focus();
    return () => {
      if (dialog.open) dialog.close();
    };
  }, [initialFocusId]);

  return (
    <dialog
      ref={dialogRef}
      className={dialogClassName}
      aria-labelledby={`${uid}-title`}
      onCancel={(event) => {
        // Escape closes through the parent so focus goes back where it came from.
        event.preventDefault();
        if (!saving) onCancel();
      }}
      onClose={() => {
        // Chrome may close a dialog on a repeated Escape despite preventDefault; keep the parent in step.
        if (!dialogRef.current?.open) onCancel();
      }}
    >
      <form className={formClassName} onSubmit={onSubmit} noValidate data-testid={`${testIdPrefix}-form`}>
        <header className="source-form-head">
          <h2 id={`${uid}-title`} className="source-form-title">
            {title}
          </h2>
          {savedId !== null && <span className="mono muted small">{savedId}</span>}
        </header>

        <div className="source-form-body">
          {children}

          {formMessage && (
            <p className="form-error" role="alert" data-testid={`${testIdPrefix}-form-error`}>
              {formMessage}
            </p>
          )}
        </div>

        <footer className="source-form-actions">
          <button
            type="button"
            className="btn"
            onClick={onCancel}
            disabled={saving}
            data-testid={`${testIdPrefix}-cancel`}
          >
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={saving}
            data-testid={`${testIdPrefix}-save`}
          >
            {saving ? 'Saving…' : savedId === null ? addLabel : 'Save'}
          </button>
        </footer>
      </form>
    </dialog>
  );
}
