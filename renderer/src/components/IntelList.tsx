import type { IncidentDetail } from '../../../shared/ipc/contract';
import { CopyValue } from './CopyValue';

type IntelItem = IncidentDetail['intel'][number];

const KIND_LABEL: Record<IntelItem['kind'], string> = {
  sha256: 'SHA-256',
  sha1: 'SHA-1',
  md5: 'MD5',
  ip: 'IP',
  domain: 'Domain',
  url: 'URL',
};

/** Verdict words to a tone: red for a confirmed bad file, amber for doubt, grey for the rest. */
function verdictTone(verdict: string): 'bad' | 'doubt' | 'benign' | 'neutral' {
  const v = verdict.toLowerCase();
  if (v.includes('false positive') || v.includes('benign')) return 'benign';
  if (v.includes('malicious') || v.includes('true positive') || v.includes('threat-intel match'))
    return 'bad';
  if (v.includes('suspicious')) return 'doubt';
  return 'neutral';
}

/**
 * Indicators to look up, with the source product's verdict when it gave one.
 * Links open in a new window (the system browser on the desktop) without
 * giving the page a handle back to the console.
 */
export function IntelList({ intel, masked }: { intel: IncidentDetail['intel']; masked: boolean }) {
  if (intel.length === 0) {
    return (
      <p className="muted" data-testid="intel-empty">
        {masked
          ? 'No indicator survives masking. Switch to real values to see addresses and domains to look up.'
          : 'No file hashes, public IPs, domains or URLs to look up in this incident.'}
      </p>
    );
  }
  return (
    <ul className="intel-list" data-testid="detail-intel">
      {intel.map((item) => (
        <li
          key={`${item.kind}:${item.value}`}
          className="intel-item"
          data-testid="intel-item"
          data-kind={item.kind}
          data-value={item.value}
        >
          <div className="intel-head">
            <span className="intel-kind">{KIND_LABEL[item.kind]}</span>
            <CopyValue value={item.value} what={KIND_LABEL[item.kind]} />
          </div>
          <div className="intel-foot">
            {item.verdict ? (
              <span
                className={`intel-verdict intel-verdict-${verdictTone(item.verdict)}`}
                data-testid="intel-verdict"
                title="What the source product said"
              >
                {item.verdict}
              </span>
            ) : (
              <span className="intel-verdict intel-verdict-none muted">no vendor verdict</span>
            )}
            <span className="intel-links">
              {item.links.map((link) => (
                <a
                  key={link.url}
                  className="intel-link"
                  href={link.url}
                  target="_blank"
                  rel="noopener noreferrer"
                  data-testid="intel-link"
                  aria-label={`Look up ${item.value} on ${link.label} (opens in a new window)`}
                >
                  {link.label}
                  <svg viewBox="0 0 10 10" width="9" height="9" aria-hidden="true" focusable="false">
                    <path d="M4 1.5H1.5v7h7V6M6 1.5h2.5V4M8.5 1.5 4.5 5.5" />
                  </svg>
                </a>
              ))}
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}
