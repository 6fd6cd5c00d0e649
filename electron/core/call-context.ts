import type { Via } from '../../shared/domain';

/** Who is calling a contract method and through what; recorded on timeline entries. */
export interface CallContext {
  actor: string;
  via: Via;
}
