import { useEffect, useId, useRef } from 'react';
import type { ReactNode, RefObject } from 'react';

import { SHORTCUT_GROUPS } from '../lib/shortcuts';

/**
 * A modal <dialog>: opened on mount, focus moves in (to `initialFocus`, else
 * the first control, the close button), Escape and the close button go
 * through `onClose` so the parent decides where focus returns.
 */
export function IncidentDialog({
  title,
  onClose,
  className,
  testId,
  initialFocus,
  children,
}: {
  title: string;
  onClose: () => void;
  className?: string;
  testId: string;
  /** Where typing should start; a text field's value is selected so typing replaces it. */
  initialFocus?: RefObject<HTMLInputElement | null>;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const uid = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return undefined;
    if (!dialog.open) dialog.showModal();
    // showModal() focuses the first control (the close button), after any React autoFocus has
    // run (children commit first, and autoFocus sets no attribute showModal could see): focus here.
    const field = initialFocus?.current;
    if (field) {
      field.focus();
      field.select();
    }
    return () => {
      if (dialog.open) dialog.close();
    };
  }, [initialFocus]);
  return (
    <dialog
      ref={ref}
      className={`modal inc-dialog ${className ?? ''}`}
      aria-labelledby={`${uid}-title`}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClose={() => {
        // Chrome may close a dialog on a repeated Escape despite preventDefault; keep the parent in step.
        if (!ref.current?.open) onClose();
      }}
      data-testid={testId}
    >
      <header className="inc-dialog-head">
        <h2 id={`${uid}-title`} className="inc-dialog-title">
          {title}
        </h2>
        <button type="button" className="btn btn-icon" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {children}
    </dialog>
  );
}

/** Every keyboard shortcut of the incidents view, from the one table the keys themselves use. */
export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  return (
    <IncidentDialog title="Keyboard shortcuts" onClose={onClose} testId="shortcut-help">
      <div className="inc-dialog-body shortcut-groups">
        {SHORTCUT_GROUPS.map((group) => (
          <section key={group.title} className="shortcut-group">
            <h3 className="section-title">{group.title}</h3>
            <dl className="shortcut-list">
              {group.items.map((item) => (
                <div key={item.label} className="shortcut">
                  <dt>
                    {item.keys.map((key, index) => (
                      <span key={key}>
                        {index > 0 && <span className="muted"> or </span>}
                        <kbd className="inc-kbd">{key}</kbd>
                      </span>
                    ))}
                  </dt>
                  <dd>{item.label}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
        <p className="muted small">Shortcuts do nothing while you type in a field; Esc leaves the field.</p>
      </div>
    </IncidentDialog>
  );
}
