import type { ReactNode } from 'react';

/** A view whose feature is not built yet: it says what will be here, so nobody hunts for a missing button. */
export function PlaceholderView({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="view" aria-labelledby="view-title">
      <div className="view-toolbar">
        <h1 id="view-title" className="view-title" data-testid="view-title">
          {title}
        </h1>
        <span className="pill-soon">Coming soon</span>
      </div>
      <div className="view-body">
        <div className="placeholder">
          <p>{children}</p>
        </div>
      </div>
    </section>
  );
}
