import { useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import { ApiError } from '../../api/client.ts';
import type { AccessRequestStatus } from '@mamori/collector/api';
import { useAsync } from '../../components/use-async.ts';
import type { Decision } from './access-request-decision.tsx';

/** The requests of a filter, which one is being decided, and what happened to the last decision. */
export function useAccessRequestList(filter: { status: AccessRequestStatus | ''; pc: string }, onDecided?: () => void) {
  const api = useApi();
  const list = useAsync(() => api.accessRequests({ limit: 200, ...filter }), [api, filter.status, filter.pc]);
  const [acting, setActing] = useState<{ id: number; decision: Decision } | undefined>();
  const [conflict, setConflict] = useState(false);
  const [error, setError] = useState<Error | undefined>();

  const start = (id: number, decision: Decision) => {
    setActing({ id, decision });
    setConflict(false);
    setError(undefined);
  };
  const finish = (failure?: Error) => {
    setActing(undefined);
    // Two operators on one request: the loser sees who won instead of a bare 409.
    if (failure instanceof ApiError && failure.status === 409) {
      setConflict(true);
      list.reload();
    } else if (failure) {
      setError(failure);
    } else {
      list.reload();
      onDecided?.();
    }
  };
  return { requests: list.data ?? [], loading: list.loading, error: error ?? list.error, conflict, acting, start, finish, cancel: () => setActing(undefined), reload: list.reload };
}
