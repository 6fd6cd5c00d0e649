import type { Status } from '../../../shared/domain';
import { STATUS_LABEL } from '../lib/format';

export function StatusBadge({ status, testId }: { status: Status; testId?: string }) {
  return (
    <span className={`status-badge status-${status}`} data-testid={testId}>
      {STATUS_LABEL[status]}
    </span>
  );
}
