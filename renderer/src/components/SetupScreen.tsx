import { useShallow } from 'zustand/react/shallow';

import { useStore } from '../store';
import { ErrorNotice } from './ErrorNotice';

export function SetupScreen() {
  const { setupBusy, setupError, startDemoFromSetup, skipSetup } = useStore(
    useShallow((s) => ({
      setupBusy: s.setupBusy,
      setupError: s.setupError,
      startDemoFromSetup: s.startDemoFromSetup,
      skipSetup: s.skipSetup,
    })),
  );

  return (
    <div className="screen-center">
      <section className="screen-card setup-card" aria-labelledby="setup-title">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Vigil
        </div>
        <h1 id="setup-title" className="screen-title" data-testid="view-title">
          Welcome to Vigil
        </h1>
        <p>
          Vigil gathers alerts from your security products — SentinelOne, MaxPatrol, Deep Instinct and
          anything that can post to a webhook — into one queue of incidents. Duplicates are folded together,
          every action is recorded on a timeline, and the incidents that matter are pushed to your team’s
          channels.
        </p>
        <ul className="setup-points">
          <li>
            <strong>Try it with the demo feed.</strong> A generator posts realistic incidents every few
            seconds, so you can explore triage, filters and notifications before connecting anything real.
          </li>
          <li>
            <strong>Or connect your own sources.</strong> Add API credentials under Sources, or point an alert
            forwarder at the webhook shown in Settings.
          </li>
        </ul>
        {setupError && <ErrorNotice title="Setup failed" message={setupError} />}
        <div className="setup-actions">
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void startDemoFromSetup()}
            disabled={setupBusy !== null}
            data-testid="setup-start-demo"
          >
            {setupBusy === 'demo' ? 'Starting…' : 'Start demo feed'}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => void skipSetup()}
            disabled={setupBusy !== null}
            data-testid="setup-skip"
          >
            {setupBusy === 'skip' ? 'Finishing…' : 'Skip — I’ll configure sources'}
          </button>
        </div>
      </section>
    </div>
  );
}
