import { useState } from 'react';
import type { SubmitEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { useStore } from '../store';

export function LoginScreen() {
  const { loginBusy, loginError, sessionExpired, login } = useStore(
    useShallow((s) => ({
      loginBusy: s.loginBusy,
      loginError: s.loginError,
      sessionExpired: s.sessionExpired,
      login: s.login,
    })),
  );
  const [pin, setPin] = useState('');

  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    void login(pin).then(() => {
      // A failed attempt leaves the field empty for the next try; success unmounts this screen.
      setPin('');
    });
  };

  return (
    <div className="screen-center">
      <form className="screen-card login-card" onSubmit={submit} noValidate>
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Vigil
        </div>
        <h1 className="screen-title">Sign in</h1>
        <p className="muted">
          {sessionExpired
            ? 'Your session expired. Enter the PIN again to continue.'
            : 'This console is protected. Enter the PIN or passphrase set for the web UI.'}
        </p>
        {/* Lets password managers file the PIN under this console; there is no user name to enter. */}
        <input type="text" name="username" autoComplete="username" value="vigil" readOnly hidden />
        <label className="field">
          <span className="field-label">PIN or passphrase</span>
          <input
            className="input"
            type="password"
            name="pin"
            autoComplete="current-password"
            autoFocus
            value={pin}
            onChange={(e) => {
              setPin(e.target.value);
            }}
            aria-invalid={loginError ? true : undefined}
            aria-describedby={loginError ? 'login-error' : undefined}
            disabled={loginBusy}
            data-testid="login-pin"
          />
        </label>
        {loginError && (
          <p id="login-error" className="form-error" role="alert" data-testid="login-error">
            {loginError}
          </p>
        )}
        <button
          type="submit"
          className="btn btn-primary btn-block"
          disabled={loginBusy}
          data-testid="login-submit"
        >
          {loginBusy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
