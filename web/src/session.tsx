import { createContext, useContext } from 'react';

import type { Me } from './schemas.ts';

/** The signed-in account, provided once `GET /api/v1/me` has returned it. */
export const SessionContext = createContext<Me | null>(null);

/** Returns the signed-in account; only pages rendered inside a loaded session call it. */
export function useSession(): Me {
  const me = useContext(SessionContext);
  if (me === null) throw new Error('useSession called outside a loaded session');

  return me;
}
