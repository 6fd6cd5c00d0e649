import type { Severity } from '../../../shared/domain';
import { SEVERITY_LABEL } from '../lib/format';

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`sev-badge sev-${severity}`}>{SEVERITY_LABEL[severity]}</span>;
}
