import type { ReactNode } from 'react';

import type { ViewId } from '../store';

/* Inline line icons: no icon font or external asset is allowed by the CSP, and these stay crisp at 16px. */
const PATHS: Record<ViewId, ReactNode> = {
  incidents: (
    <>
      <path d="M8 1.5l5.5 2v4c0 3.5-2.5 6-5.5 7-3-1-5.5-3.5-5.5-7v-4z" />
      <path d="M8 5v3.5M8 10.6v.4" />
    </>
  ),
  dashboard: <path d="M2.5 2.5h4.5v5h-4.5zM9 2.5h4.5v3h-4.5zM9 7.5h4.5v6h-4.5zM2.5 9.5h4.5v4h-4.5z" />,
  sources: <path d="M8 2v7M5 6l3 3 3-3M2.5 10v3.5h11V10" />,
  channels: <path d="M14 2L7 9M14 2l-4.5 12-2.5-5-5-2.5z" />,
  whatsapp: <path d="M13.5 7.5a5.5 5.5 0 0 1-8.1 4.9L2.5 13.5l1.1-2.9A5.5 5.5 0 1 1 13.5 7.5z" />,
  logs: <path d="M5.5 4h8M5.5 8h8M5.5 12h8M2.5 4h.5M2.5 8h.5M2.5 12h.5" />,
  settings: (
    <>
      <path d="M2.5 4h6.5M12 4h1.5M2.5 8h2M8 8h5.5M2.5 12h2.5M8 12h5.5" />
      <circle cx="10.5" cy="4" r="1.5" />
      <circle cx="6.5" cy="8" r="1.5" />
      <circle cx="6.5" cy="12" r="1.5" />
    </>
  ),
};

export function NavIcon({ view }: { view: ViewId }) {
  return (
    <svg
      className="nav-icon"
      viewBox="0 0 16 16"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.4"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[view]}
    </svg>
  );
}
