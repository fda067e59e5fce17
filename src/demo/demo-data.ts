import type { AppContext } from '../app/context.ts';

/** A demo account with its one-time password. */
export interface DemoAccount {
  role: string;
  email: string;
  password: string;
}

/** Loads demo data into an empty database; returns null when accounts already exist. */
export async function loadDemoData(ctx: AppContext): Promise<{ accounts: DemoAccount[] } | null> {
  const existing = await ctx.db.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
  if (existing !== undefined) return null;

  return { accounts: [] };
}
