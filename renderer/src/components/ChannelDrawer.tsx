import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';

interface ChannelDrawerProps {
  title: string;
  subtitle?: string;
  testId: string;
  onClose: () => void;
  /** Buttons beside the title (Refresh). */
  actions?: ReactNode;
  children: ReactNode;
}

/**
 * A modal side panel for one channel (its outbox, its Telegram chats). Modal
 * so focus stays inside while it is open; Escape and Close go through the
 * parent, which puts focus back on the button that opened it.
 */
export function ChannelDrawer({ title, subtitle, testId, onClose, actions, children }: ChannelDrawerProps) {
  const uid = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return undefined;
    if (!dialog.open) dialog.showModal();
    closeRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
    };
  }, []);

  return (
    <dialog
      ref={dialogRef}
      className="channel-drawer"
      aria-labelledby={`${uid}-title`}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClose={() => {
        if (!dialogRef.current?.open) onClose();
      }}
    >
      <div className="channel-drawer-inner">
        <header className="channel-drawer-head">
          <div className="channel-drawer-titles">
            <h2 id={`${uid}-title`} className="source-form-title">
              {title}
            </h2>
            {subtitle && <span className="mono muted small">{subtitle}</span>}
          </div>
          <div className="toolbar-spacer" />
          {actions}
          <button
            ref={closeRef}
            type="button"
            className="btn btn-small btn-ghost"
            onClick={onClose}
            data-testid="channel-drawer-close"
          >
            Close
          </button>
        </header>
        <div className="channel-drawer-body">{children}</div>
      </div>
    </dialog>
  );
}
