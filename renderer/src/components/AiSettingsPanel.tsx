import { useCallback, useEffect, useState } from 'react';
import type { FormEvent } from 'react';

import { SEVERITIES } from '../../../shared/domain';
import type { Severity } from '../../../shared/domain';
import type { AiStatus, MethodResponse, SettingsView } from '../../../shared/ipc/contract';
import { SEVERITY_LABEL, formatAbsolute, formatCount } from '../lib/format';
import { call, messageOf } from '../transport';
import { ErrorNotice } from './ErrorNotice';

import '../styles/ai.css';

type AiForm = Omit<SettingsView['ai'], 'apiKeySet'>;
type TestResult = MethodResponse<'ai.test'>;

function formOf(view: SettingsView): AiForm {
  const { apiKeySet: _set, ...rest } = view.ai;
  return rest;
}

/**
 * Settings → AI analysis: the OpenAI-compatible endpoint (OpenAI, a gateway,
 * Ollama's /v1, a local server), model, key, which incidents are analysed and
 * the daily token budget; today's use, the last failure, and a Test button
 * that sends one tiny request and says what came back. The key is never read
 * back: an empty field keeps it.
 */
export function AiSettingsPanel() {
  const [saved, setSaved] = useState<AiForm | null>(null);
  const [form, setForm] = useState<AiForm | null>(null);
  const [keySet, setKeySet] = useState(false);
  const [apiKey, setApiKey] = useState('');
  const [status, setStatus] = useState<AiStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'save' | 'test' | null>(null);
  const [savedNote, setSavedNote] = useState(false);
  const [test, setTest] = useState<TestResult | null>(null);

  const apply = (view: SettingsView) => {
    setSaved(formOf(view));
    setForm(formOf(view));
    setKeySet(view.ai.apiKeySet);
    setApiKey('');
  };

  const loadStatus = useCallback(() => {
    call('ai.status', {}).then(setStatus, (e: unknown) => setError(messageOf(e)));
  }, []);

  useEffect(() => {
    call('settings.get', {}).then(apply, (e: unknown) => setError(messageOf(e)));
    loadStatus();
  }, [loadStatus]);

  const dirty = form !== null && (JSON.stringify(form) !== JSON.stringify(saved) || apiKey !== '');

  const save = async (): Promise<boolean> => {
    if (!form) return false;
    setError(null);
    setSavedNote(false);
    try {
      const view = await call('settings.update', { patch: { ai: { ...form, apiKey } } });
      apply(view);
      setSavedNote(true);
      return true;
    } catch (e) {
      setError(messageOf(e));
      return false;
    }
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy('save');
    void save()
      .then(loadStatus)
      .finally(() => setBusy(null));
  };

  const runTest = () => {
    setBusy('test');
    setTest(null);
    void (async () => {
      try {
        // The core tests what is saved: unsaved edits are saved first so the test means what the form shows.
        if (dirty && !(await save())) return;
        setTest(await call('ai.test', {}));
      } catch (e) {
        setTest({ ok: false, message: messageOf(e), model: '', latencyMs: 0 });
      } finally {
        loadStatus();
        setBusy(null);
      }
    })();
  };

  const set = <K extends keyof AiForm>(key: K, value: AiForm[K]) =>
    setForm((current) => (current ? { ...current, [key]: value } : current));
  const number = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));

  return (
    <section className="card" aria-labelledby="ai-settings-title" data-testid="ai-settings">
      <h2 id="ai-settings-title" className="card-title">
        AI analysis
      </h2>
      <p className="muted">
        New incidents at or above the minimum severity are triaged by a language model after they are stored.
        Host names, users, addresses, paths and e-mails are replaced by placeholders before anything is sent,
        and put back in the answer here.
      </p>
      {error && <ErrorNotice title="AI settings not saved" message={error} />}
      {form && (
        <form className="ai-form" onSubmit={onSubmit}>
          <label className="ai-toggle">
            <input
              type="checkbox"
              checked={form.enabled}
              onChange={(e) => set('enabled', e.target.checked)}
              data-testid="ai-enabled"
            />
            <span>Analyse incidents with AI</span>
          </label>
          <label className="field">
            <span className="field-label">Endpoint (OpenAI-compatible base URL)</span>
            <input
              className="input mono"
              value={form.baseUrl}
              onChange={(e) => set('baseUrl', e.target.value)}
              placeholder="https://api.openai.com/v1"
              spellCheck={false}
              data-testid="ai-base-url"
            />
            <span className="muted small">
              OpenAI: https://api.openai.com/v1 · Ollama: http://localhost:11434/v1 · LM Studio:
              http://localhost:1234/v1
            </span>
          </label>
          <div className="ai-grid">
            <label className="field">
              <span className="field-label">Model</span>
              <input
                className="input mono"
                value={form.model}
                onChange={(e) => set('model', e.target.value)}
                spellCheck={false}
                data-testid="ai-model"
              />
            </label>
            <label className="field">
              <span className="field-label">API key</span>
              <input
                className="input"
                type="password"
                autoComplete="off"
                value={apiKey}
                placeholder={keySet ? 'set — leave empty to keep' : 'not set'}
                onChange={(e) => setApiKey(e.target.value)}
                data-testid="ai-api-key"
              />
            </label>
            <label className="field">
              <span className="field-label">Analyse from severity</span>
              <select
                className="input"
                value={form.minSeverity}
                onChange={(e) => set('minSeverity', e.target.value as Severity)}
                data-testid="ai-min-severity"
              >
                {SEVERITIES.map((severity) => (
                  <option key={severity} value={severity}>
                    {SEVERITY_LABEL[severity]}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Timeout (s)</span>
              <input
                className="input"
                type="number"
                min={1}
                max={600}
                value={Number.isNaN(form.timeoutSec) ? '' : form.timeoutSec}
                onChange={(e) => set('timeoutSec', number(e.target.value))}
                data-testid="ai-timeout"
              />
            </label>
            <label className="field">
              <span className="field-label">Max tokens per answer</span>
              <input
                className="input"
                type="number"
                min={64}
                max={32000}
                value={Number.isNaN(form.maxTokens) ? '' : form.maxTokens}
                onChange={(e) => set('maxTokens', number(e.target.value))}
                data-testid="ai-max-tokens"
              />
            </label>
            <label className="field">
              <span className="field-label">Daily token budget</span>
              <input
                className="input"
                type="number"
                min={0}
                value={Number.isNaN(form.dailyTokenBudget) ? '' : form.dailyTokenBudget}
                onChange={(e) => set('dailyTokenBudget', number(e.target.value))}
                data-testid="ai-budget"
              />
            </label>
          </div>
          <div className="ai-actions">
            <button
              type="submit"
              className="btn btn-primary"
              disabled={busy !== null || !dirty}
              data-testid="ai-save"
            >
              {busy === 'save' ? 'Saving…' : 'Save AI settings'}
            </button>
            <button
              type="button"
              className="btn"
              onClick={runTest}
              disabled={busy !== null}
              data-testid="ai-test"
            >
              {busy === 'test' ? 'Testing…' : dirty ? 'Save and test' : 'Test'}
            </button>
            {savedNote && !dirty && (
              <span className="muted" role="status">
                Saved.
              </span>
            )}
          </div>
          {test && (
            <div className="ai-test-result" data-testid="ai-test-result" data-ok={test.ok} role="status">
              <span aria-hidden="true">{test.ok ? '✓' : '✕'}</span>
              <span>{test.message}</span>
            </div>
          )}
        </form>
      )}
      {status && <AiUsage status={status} />}
    </section>
  );
}

function AiUsage({ status }: { status: AiStatus }) {
  const budget = status.dailyTokenBudget;
  const share = budget > 0 ? Math.min(1, status.tokensToday / budget) : 1;
  const spent = status.tokensToday >= budget;
  return (
    <dl className="facts">
      <div className="fact">
        <dt>Tokens today (UTC)</dt>
        <dd className="ai-usage" data-testid="ai-tokens">
          <span>
            {formatCount(status.tokensToday)} of {formatCount(budget)}
            {spent && (
              <span className="text-warn"> — budget spent, analyses are skipped until 00:00 UTC</span>
            )}
          </span>
          <span className="ai-usage-bar" aria-hidden="true">
            <span className="ai-usage-fill" data-spent={spent} style={{ width: `${String(share * 100)}%` }} />
          </span>
        </dd>
      </div>
      <div className="fact">
        <dt>Queued</dt>
        <dd>{formatCount(status.queued)}</dd>
      </div>
      <div className="fact">
        <dt>Last error</dt>
        <dd data-testid="ai-last-error">
          {status.lastError ? (
            <span className="ai-note-error">
              {status.lastError}
              {status.lastErrorAt && <span className="muted"> ({formatAbsolute(status.lastErrorAt)})</span>}
            </span>
          ) : (
            <span className="muted">None</span>
          )}
        </dd>
      </div>
    </dl>
  );
}
