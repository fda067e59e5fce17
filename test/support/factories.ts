import type { AppContext } from '../../src/app/context.ts';
import { bumpDirectoryRevision } from '../../src/directory/revision.ts';
import { newId } from '../../src/shared/crypto.ts';
import { normaliseEmail } from '../../src/shared/email.ts';

/** Fields of a PoC made directly in the database for a test. */
export interface PocFixture {
  state: string;
  level?: 'diplomatic' | 'policy' | 'technical';
  name?: string;
  email?: string;
  phone?: string | null;
}

let counter = 0;

/** Inserts a PoC entry straight into the database and returns its id and e-mail. */
export async function insertPoc(ctx: AppContext, fixture: PocFixture) {
  counter += 1;
  const id = newId();
  const email = fixture.email ?? `poc-${counter}@${fixture.state.toLowerCase()}.pocs.test`;
  const now = ctx.clock.now().toISOString();
  await ctx.db
    .insertInto('pocs')
    .values({
      id,
      state_code: fixture.state,
      level: fixture.level ?? 'technical',
      name: fixture.name ?? `Contact ${counter}`,
      designation: 'Duty officer',
      organisation: `National CERT of ${fixture.state}`,
      email,
      email_key: normaliseEmail(email) ?? email,
      phone: fixture.phone ?? null,
      created_at: now,
      updated_at: now,
      created_by: null,
      updated_by: null,
    })
    .execute();
  await bumpDirectoryRevision(ctx.db);

  return { id, email };
}
