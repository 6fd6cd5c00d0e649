import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';

import { showHidden } from '../lib/format';

/**
 * Copy-to-clipboard for the detail pane's values. Each value is one button
 * (one tab stop, Enter or click copies it); what was copied is said once in
 * a shared polite live region, so a screen reader hears "Copied host
 * WS-FIN-014" without every chip carrying a region of its own.
 */
const AnnounceContext = createContext<(message: string) => void>(() => undefined);

const ANNOUNCE_CLEAR_MS = 2000;

export function CopyAnnouncer({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const announce = useCallback((text: string) => {
    setMessage(text);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setMessage(''), ANNOUNCE_CLEAR_MS);
  }, []);
  return (
    <AnnounceContext.Provider value={announce}>
      {children}
      <div className="sr-only" role="status" aria-live="polite" data-testid="copy-announcement">
        {message}
      </div>
    </AnnounceContext.Provider>
  );
}

/** Writes `text` to the clipboard and announces the outcome; resolves whether it worked. */
export function useCopy(): (text: string, what: string) => Promise<boolean> {
  const announce = useContext(AnnounceContext);
  return useCallback(
    (text: string, what: string) =>
      navigator.clipboard.writeText(text).then(
        () => {
          announce(`Copied ${what}`);
          return true;
        },
        () => {
          announce(`Could not copy ${what}: the clipboard refused`);
          return false;
        },
      ),
    [announce],
  );
}

/** A value shown as a chip that copies itself; `what` names it for the screen reader ("host"). */
export function CopyValue({
  value,
  what,
  mono = true,
  testId,
}: {
  value: string;
  what: string;
  mono?: boolean;
  testId?: string;
}) {
  const copy = useCopy();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return undefined;
    const timer = setTimeout(() => setCopied(false), 1200);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      className={`entity copy-value${mono ? ' mono' : ''}${copied ? ' copy-value-done' : ''}`}
      onClick={() => {
        void copy(value, `${what} ${value}`).then(setCopied);
      }}
      aria-label={`${value} (copy ${what})`}
      title={`Copy ${what}`}
      data-testid={testId}
      data-value={value}
    >
      {showHidden(value)}
    </button>
  );
}

/** A plain "Copy" button for a longer text (a raw event body). */
export function CopyTextButton({
  text,
  what,
  label = 'Copy',
  testId,
}: {
  text: string;
  what: string;
  label?: string;
  testId?: string;
}) {
  const copy = useCopy();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return undefined;
    const timer = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      className="btn btn-small btn-ghost"
      onClick={() => {
        void copy(text, what).then((ok) => setState(ok ? 'copied' : 'failed'));
      }}
      aria-label={`${label} ${what}`}
      data-testid={testId}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}
