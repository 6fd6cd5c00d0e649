/**
 * The one dispatcher behind every transport (STYLE.md §5-7): the method must
 * be in the contract, the arguments must satisfy its request schema, and the
 * answer is shaped by its response schema, so nothing undeclared (a secret,
 * an internal field) can leave the core. Every outcome is a Result.
 */
import { ConfigError, formatIssues } from '../../../shared/config';
import type { MethodArgs, MethodName, MethodResponse } from '../../../shared/ipc/contract';
import { isMethodName, methods } from '../../../shared/ipc/contract';
import type { Result } from '../../../shared/ipc/result';
import { ContractError, err, ok } from '../../../shared/ipc/result';
import type { CallContext } from '../call-context';
import type { Logger } from '../logger';

export type Handler<M extends MethodName> = (
  args: MethodArgs<M>,
  ctx: CallContext,
) => MethodResponse<M> | Promise<MethodResponse<M>>;

export type Handlers = { [M in MethodName]: Handler<M> };

export type Dispatch = (method: string, args: unknown, ctx: CallContext) => Promise<Result<unknown>>;

export function createDispatcher(handlers: Handlers, logger: Logger): Dispatch {
  return async (method, args, ctx) => {
    if (typeof method !== 'string' || !isMethodName(method)) {
      return err('unknown_method', `unknown method "${String(method).slice(0, 100)}"`);
    }
    const spec = methods[method];
    // No args (an empty HTTP body, an IPC invoke without them) means {}; null is a value, refused like any non-object.
    const parsed = spec.request.safeParse(args === undefined ? {} : args);
    if (!parsed.success) return err('bad_request', formatIssues(parsed.error));
    try {
      const handler = handlers[method] as (args: unknown, ctx: CallContext) => unknown;
      const value = await handler(parsed.data, ctx);
      const shaped = spec.response.safeParse(value);
      if (!shaped.success) {
        logger.error('handler answer does not match the contract', {
          method,
          issues: formatIssues(shaped.error),
        });
        return err('internal', `${method}: the answer did not match the contract`);
      }
      return ok(shaped.data);
    } catch (error) {
      if (error instanceof ContractError) return err(error.code, error.message);
      if (error instanceof ConfigError) return err('bad_request', error.message);
      logger.error('handler failed', { method, error });
      return err('internal', `${method} failed: ${(error as Error).message ?? 'unknown error'}`);
    }
  };
}
