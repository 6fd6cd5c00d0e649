import { useEffect, useState } from 'react';

import type { SettingsView } from '../../../../shared/ipc/contract';
import { useStore } from '../../store';
import { call, messageOf } from '../../transport';
import { CopyButton } from '../CopyButton';
import { SecretStateBadge } from '../form/Field';
import { NumberField, SettingsFormBody, rangeError, useSettingsForm, wholeNumber } from './useSettingsForm';

interface WebhookForm {
  rateLimitPerMin: string;
  maxBodyKiB: string;
}

const MAX_BODY_KIB = 64 * 1024;
const MASK = '•'.repeat(24);

function read(view: SettingsView): WebhookForm {
  return {
    rateLimitPerMin: String(view.webhook.rateLimitPerMin),
    maxBodyKiB: String(Math.round(view.webhook.maxBodyBytes / 1024)),
  };
}

/**
 * Settings → Webhook: where senders post, the token they must present (hidden
 * until revealed; every reveal is logged), copying and rotating it, and the
 * listener's rate limit and body cap.
 */
export function WebhookSettingsPanel() {
  const status = useStore((s) => s.systemStatus);
  const s = useSettingsForm<WebhookForm>({
    section: 'webhook',
    read,
    validate: (form) => {
      const errors: Record<string, string> = {};
      const rate = rangeError(wholeNumber(form.rateLimitPerMin), 1, 1_000_000);
      if (rate) errors.rateLimitPerMin = rate;
      const body = rangeError(wholeNumber(form.maxBodyKiB), 1, MAX_BODY_KIB);
      if (body) errors.maxBodyBytes = body;
      return errors;
    },
    toPatch: (form) => ({
      rateLimitPerMin: wholeNumber(form.rateLimitPerMin),
      maxBodyBytes: wholeNumber(form.maxBodyKiB) * 1024,
    }),
    shownKeys: ['rateLimitPerMin', 'maxBodyBytes'],
    errorTestId: 'webhook-field-error',
  });

  return (
    <section className="card" aria-labelledby="webhook-title" data-testid="webhook-settings">
      <h2 id="webhook-title" className="card-title">
        Webhook
      </h2>
      <p className="muted">
        Any product that can send an HTTP POST with a JSON body can raise incidents here. Senders present the
        token as <code className="mono">Authorization: Bearer …</code>,{' '}
        <code className="mono">X-Vigil-Token</code> or <code className="mono">?token=</code>.
      </p>
      <dl className="facts">
        <div className="fact">
          <dt>URL</dt>
          <dd>
            {status?.webhook.url ? (
              <>
                <code className="mono break" data-testid="webhook-url">
                  {status.webhook.url}/api/alert
                </code>{' '}
                <CopyButton text={`${status.webhook.url}/api/alert`} />
              </>
            ) : (
              <span className="muted">{status ? 'Not listening' : '—'}</span>
            )}
          </dd>
        </div>
        <div className="fact">
          <dt>Listening</dt>
          <dd>
            {status ? (
              <span className={`health health-${status.webhook.listening ? 'ok' : 'error'}`}>
                <span className="health-dot" aria-hidden="true" />
                {status.webhook.listening ? 'Yes' : 'No'}
              </span>
            ) : (
              '—'
            )}
          </dd>
        </div>
        <div className="fact">
          <dt>
            Token
            <SecretStateBadge
              state={s.view ? (s.view.webhook.tokenSet ? 'set' : 'unset') : null}
              field="token"
              testId="webhook-token-state"
            />
          </dt>
          <dd>
            <WebhookToken
              tokenSet={s.view?.webhook.tokenSet ?? status?.webhook.tokenSet ?? false}
              onRotated={s.reload}
            />
          </dd>
        </div>
      </dl>

      <SettingsFormBody s={s} testId="webhook-settings" label="Save webhook limits">
        {(form) => (
          <div className="settings-grid">
            <NumberField
              s={s}
              field="rateLimitPerMin"
              label="Requests per minute (per sender address)"
              help="More are answered 429 with Retry-After."
              value={form.rateLimitPerMin}
              onValue={(value) => {
                s.set('rateLimitPerMin', value);
              }}
              testId="webhook-rate-limit"
            />
            <NumberField
              s={s}
              field="maxBodyBytes"
              label="Largest request body (KiB)"
              help="Bigger bodies are refused with 413. 1024 KiB = 1 MiB."
              value={form.maxBodyKiB}
              onValue={(value) => {
                s.set('maxBodyKiB', value);
              }}
              testId="webhook-max-body"
            />
          </div>
        )}
      </SettingsFormBody>
    </section>
  );
}

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * The token itself: dots until Reveal (the core logs who revealed it), Copy
 * (fetches it without showing it), and Rotate behind a confirmation, after
 * which the new token is shown once so it can be copied into senders.
 */
function WebhookToken({ tokenSet, onRotated }: { tokenSet: boolean; onRotated: () => void }) {
  const [token, setToken] = useState<string | null>(null);
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState<'reveal' | 'copy' | 'rotate' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [rotated, setRotated] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copy, setCopy] = useState<CopyState>('idle');

  useEffect(() => {
    if (copy === 'idle') return undefined;
    const timer = setTimeout(() => {
      setCopy('idle');
    }, 2000);
    return () => {
      clearTimeout(timer);
    };
  }, [copy]);

  const fetchToken = async (): Promise<string> => {
    if (token !== null) return token;
    const value = (await call('webhook.revealToken', {})).token;
    setToken(value);
    return value;
  };

  const run = (kind: 'reveal' | 'copy' | 'rotate', action: () => Promise<void>) => {
    setBusy(kind);
    setError(null);
    action()
      .catch((e: unknown) => {
        setError(messageOf(e));
      })
      .finally(() => {
        setBusy(null);
      });
  };

  const reveal = () => {
    if (shown) {
      setShown(false);
      return;
    }
    run('reveal', async () => {
      await fetchToken();
      setShown(true);
    });
  };

  const copyToken = () => {
    run('copy', async () => {
      const value = await fetchToken();
      try {
        await navigator.clipboard.writeText(value);
        setCopy('copied');
      } catch {
        setCopy('failed');
      }
    });
  };

  const rotate = () => {
    setConfirming(false);
    run('rotate', async () => {
      const value = (await call('webhook.rotateToken', {})).token;
      setToken(value);
      setShown(true);
      setRotated(true);
      onRotated();
      void useStore.getState().loadSystemStatus();
    });
  };

  return (
    <div className="webhook-token">
      <div className="webhook-token-row">
        <code className="mono break webhook-token-value" data-testid="webhook-token" data-revealed={shown}>
          {shown && token !== null ? token : tokenSet ? MASK : 'not set'}
        </code>
        <button
          type="button"
          className="btn btn-small"
          onClick={reveal}
          disabled={busy !== null || !tokenSet}
          aria-pressed={shown}
          data-testid="webhook-token-reveal"
        >
          {busy === 'reveal' ? 'Revealing…' : shown ? 'Hide' : 'Reveal'}
        </button>
        <button
          type="button"
          className="btn btn-small"
          onClick={copyToken}
          disabled={busy !== null || !tokenSet}
          data-testid="webhook-token-copy"
        >
          {copy === 'copied' ? 'Copied' : copy === 'failed' ? 'Copy failed' : 'Copy'}
        </button>
        {!confirming && (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={() => {
              setConfirming(true);
            }}
            disabled={busy !== null}
            data-testid="webhook-token-rotate"
          >
            {busy === 'rotate' ? 'Rotating…' : 'Rotate…'}
          </button>
        )}
      </div>
      {confirming && (
        <div className="webhook-confirm" role="group" aria-label="Confirm token rotation">
          <span className="text-warn small">
            Senders still using the current token will be refused until you give them the new one.
          </span>
          <button
            type="button"
            className="btn btn-small settings-btn-danger"
            onClick={rotate}
            data-testid="webhook-token-rotate-confirm"
          >
            Rotate token
          </button>
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={() => {
              setConfirming(false);
            }}
          >
            Cancel
          </button>
        </div>
      )}
      {rotated && (
        <p className="small webhook-rotated" role="status" data-testid="webhook-token-rotated">
          New token in use; the old one is refused from now on. Copy it into every sender.
        </p>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="webhook-token-error">
          {error}
        </p>
      )}
    </div>
  );
}
