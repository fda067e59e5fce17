import { readFile } from 'node:fs/promises';

import { createAccount, toPrincipal } from '../accounts/accounts.service.ts';
import type { Role } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import { createPoc } from '../directory/pocs.service.ts';
import type { PocLevel } from '../directory/pocs.schema.ts';
import { newSecret } from '../shared/crypto.ts';
import { importBundle } from '../sharing/sharing.service.ts';

/** A demo account with its one-time password. */
export interface DemoAccount {
  role: Role;
  email: string;
  password: string;
}

interface DemoPoc {
  level: PocLevel;
  name: string;
  designation: string;
  organisation: string;
  email: string;
  phone: string;
}

// Made-up people at made-up addresses under the reserved `.example` top-level domain.
const demoStates: Record<string, DemoPoc[]> = {
  CH: [
    {
      level: 'diplomatic',
      name: 'Léa Rochat',
      designation: 'Cyber diplomacy officer',
      organisation: 'Federal Department of Foreign Affairs',
      email: 'cyber@fdfa.ch.example',
      phone: '+41 58 462 00 01',
    },
    {
      level: 'policy',
      name: 'Marco Bernasconi',
      designation: 'Head of cyber policy',
      organisation: 'Federal Office for Cybersecurity',
      email: 'policy@ncsc.ch.example',
      phone: '+41 58 465 00 02',
    },
    {
      level: 'technical',
      name: 'Zoë Müller',
      designation: 'Incident response lead',
      organisation: 'GovCERT.ch',
      email: 'incident@govcert.ch.example',
      phone: '+41 58 463 00 03',
    },
  ],
  KE: [
    {
      level: 'policy',
      name: 'Faith Njeri',
      designation: 'Head of cybersecurity policy',
      organisation: 'Ministry of Information, Communications and the Digital Economy',
      email: 'policy@ict.ke.example',
      phone: '+254 20 492 0000',
    },
    {
      level: 'diplomatic',
      name: 'Amina Wanjiru',
      designation: 'Director, emerging threats',
      organisation: 'Ministry of Foreign and Diaspora Affairs',
      email: 'cyber@mfa.ke.example',
      phone: '+254 20 318 8888',
    },
    {
      level: 'technical',
      name: 'Otieno Kamau',
      designation: 'Duty manager',
      organisation: 'National KE-CIRT/CC',
      email: 'duty@cirt.ke.example',
      phone: '+254 703 042 700',
    },
  ],
  SG: [
    {
      level: 'diplomatic',
      name: 'Lim Jia Hui',
      designation: 'Director, cyber diplomacy',
      organisation: 'Ministry of Foreign Affairs',
      email: 'cyber@mfa.sg.example',
      phone: '+65 6379 8000',
    },
    {
      level: 'policy',
      name: 'Tan Wei Ling',
      designation: 'Deputy director, international',
      organisation: 'Cyber Security Agency',
      email: 'intl@csa.sg.example',
      phone: '+65 6323 5000',
    },
    {
      level: 'technical',
      name: 'Arjun Pillai',
      designation: 'SingCERT watch officer',
      organisation: 'SingCERT',
      email: 'watch@singcert.sg.example',
      phone: '+65 6323 5052',
    },
  ],
};

async function makeAccount(ctx: AppContext, role: Role, email: string, extra = {}) {
  const password = newSecret().slice(0, 20);
  const row = await createAccount(ctx, { email, role, password, ...extra });

  return { row, demo: { role, email, password } };
}

/**
 * Loads demo data into an empty database: PoCs of three states, one account per role, and the
 * APT1 STIX report shared as TLP:GREEN. Returns the accounts with their one-time passwords, or
 * null when the database already has accounts.
 */
export async function loadDemoData(ctx: AppContext): Promise<{ accounts: DemoAccount[] } | null> {
  const existing = await ctx.db.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
  if (existing !== undefined) return null;

  const secretariat = await makeAccount(ctx, 'secretariat', 'secretariat@parley.example');
  const accounts = [secretariat.demo];
  for (const [state, pocs] of Object.entries(demoStates)) {
    const editorEmail = `editor@${state.toLowerCase()}.parley.example`;
    const editor = await makeAccount(ctx, 'state-editor', editorEmail, { state });
    accounts.push(editor.demo);
    for (const poc of pocs) await createPoc(ctx, toPrincipal(editor.row), poc);
  }
  const poc = await makeAccount(ctx, 'poc', 'incident@govcert.ch.example', { state: 'CH' });
  const partnerEmail = 'analyst@hunters.example';
  const partner = await makeAccount(ctx, 'partner', partnerEmail, { org: 'Example Hunters' });
  accounts.push(poc.demo, partner.demo);

  const reportPath = new URL('../../demo/apt1.json', import.meta.url);
  const report: unknown = JSON.parse(await readFile(reportPath, 'utf8'));
  const options = { tlp: 'green' as const, states: [], orgs: [], accounts: [] };
  const result = await importBundle(ctx, toPrincipal(secretariat.row), report, options);
  ctx.logger.info({ stored: result.stored, rejected: result.rejected.length }, 'demo data loaded');

  return { accounts };
}
