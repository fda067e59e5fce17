import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, afterEach, before, describe, it } from 'node:test';

import * as openpgp from 'openpgp';
import type { Page } from 'playwright-core';

import { readMailedToken } from '../src/admin/admin.test-helpers.ts';
import { testDialects } from '../test/support/database.ts';
import {
  BrowserPages,
  findSevereViolations,
  saveScreenshot,
  signIn,
  startRunningApp,
  type RunningApp,
} from './support.ts';

const STATE = 'KE';
const OTHER_STATE = 'UG';
const EDITOR_EMAIL = 'wanjiru.kamau@ict.go.ke.example';
const EDITOR_PASSWORD = 'a long and unguessable passphrase';

/** One PoC the invited editor adds, one per level. */
interface PocInput {
  level: 'technical' | 'diplomatic' | 'policy';
  name: string;
  designation: string;
  organisation: string;
  email: string;
  phone: string;
}

const pocInputs: PocInput[] = [
  {
    level: 'technical',
    name: 'Otieno Odhiambo',
    designation: 'Head of incident response',
    organisation: 'KE-CIRT/CC',
    email: 'otieno.odhiambo@ke-cirt.example',
    phone: '+254712345678',
  },
  {
    level: 'diplomatic',
    name: 'Achieng Mwangi',
    designation: 'Director, cyber diplomacy',
    organisation: 'Ministry of Foreign Affairs',
    email: 'achieng.mwangi@mfa.ke.example',
    phone: '+254722000111',
  },
  {
    level: 'policy',
    name: 'Kiprono Cheruiyot',
    designation: 'National cyber coordinator',
    organisation: 'National Computer and Cybercrimes Coordination Committee',
    email: 'kiprono.cheruiyot@nc4.ke.example',
    phone: '+254733444555',
  },
];

interface StoredPoc {
  id: string;
  name: string;
  phone: string | null;
  pgpFingerprint: string | null;
}

async function generatePublicKey(createdAt: Date): Promise<string> {
  const { publicKey } = await openpgp.generateKey({
    userIDs: [{ email: 'otieno.odhiambo@ke-cirt.example' }],
    type: 'ecc',
    curve: 'curve25519Legacy',
    keyExpirationTime: 365 * 24 * 3600,
    date: createdAt,
    format: 'armored',
  });

  return publicKey;
}

async function fillRequiredPocFields(page: Page, poc: PocInput) {
  await page.getByLabel('Level').selectOption(poc.level);
  await page.getByLabel('Full name').fill(poc.name);
  await page.getByLabel('Designation (job title)').fill(poc.designation);
  await page.getByLabel('Organisation').fill(poc.organisation);
  await page.getByLabel('E-mail').fill(poc.email);
  await page.getByLabel('Telephone (optional)').fill(poc.phone);
}

for (const dialect of testDialects) {
  describe(`directory journeys on ${dialect}`, () => {
    let t: RunningApp;
    let pages: BrowserPages;
    // The journeys build on each other: the invited editor's PoCs are checked by the later ones.
    const stored: StoredPoc[] = [];

    const newPage = () => pages.open({ acceptDownloads: true });

    async function loadStoredPocs(): Promise<StoredPoc[]> {
      return t.ctx.db
        .selectFrom('pocs')
        .select(['id', 'name', 'phone', 'pgp_fingerprint as pgpFingerprint'])
        .where('state_code', '=', STATE)
        .orderBy('name')
        .execute();
    }

    async function signInEditor(next: string): Promise<Page> {
      const page = await newPage();
      await signIn(page, t.baseUrl, { email: EDITOR_EMAIL, password: EDITOR_PASSWORD }, next);

      return page;
    }

    async function publicVcard(id: string): Promise<string> {
      const card = await t.request({ method: 'GET', url: `/api/v1/directory/pocs/${id}.vcf` });
      assert.equal(card.statusCode, 200, card.body);

      return card.body;
    }

    before(async () => {
      t = await startRunningApp(dialect);
      pages = await BrowserPages.launch();
    });
    // Every page's last state is kept, so a failed step can be seen and not only read about.
    afterEach(async (context) => {
      await pages.saveTestScreenshots(`directory-${dialect}`, context.name);
    });
    after(async () => {
      await pages.close();
      await t.close();
    });

    it('invited editor adds one PoC per level', async () => {
      const secretariat = await t.createAccount('secretariat');
      const admin = await newPage();
      await signIn(admin, t.baseUrl, secretariat, '/app/admin');
      await admin.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
      await admin.getByLabel('E-mail address').fill(EDITOR_EMAIL);
      await admin.getByLabel('Role').selectOption('state-editor');
      await admin.getByLabel('State').fill(STATE.toLowerCase());
      await admin.getByRole('button', { name: 'Send invitation' }).click();
      await admin
        .getByRole('status')
        .getByText(`An invitation was sent to ${EDITOR_EMAIL}`)
        .waitFor();

      await t.createWorker().runUntilIdle();
      const token = await readMailedToken(t, EDITOR_EMAIL, '/invite');
      const editor = await newPage();
      await editor.goto(`${t.baseUrl}/invite/${encodeURIComponent(token)}`);
      await editor.getByText(`invited to Parley as a state editor of ${STATE}`).waitFor();
      await editor.getByLabel('New password (at least 12 characters)').fill(EDITOR_PASSWORD);
      await editor.getByLabel('Repeat the password').fill(EDITOR_PASSWORD);
      await Promise.all([
        editor.waitForURL(`${t.baseUrl}/app/`),
        editor.getByRole('button', { name: 'Create my account' }).click(),
      ]);
      await editor.getByText(`Signed in as ${EDITOR_EMAIL}`).waitFor();
      await editor.getByRole('link', { name: "My state's PoCs" }).click();
      await editor.getByRole('heading', { level: 1, name: "My state's PoCs" }).waitFor();

      // The first entry uses every field of the form.
      const [technical, diplomatic, policy] = pocInputs;
      assert.ok(technical);
      assert.ok(diplomatic);
      assert.ok(policy);
      await fillRequiredPocFields(editor, technical);
      await editor.getByLabel('Emergency number (optional)').fill('+254722000999');
      const languages = editor.getByLabel('Languages (optional)');
      await languages.fill('en');
      await languages.press('Enter');
      await languages.fill('SW');
      await editor.getByRole('button', { name: 'Add language' }).click();
      await editor.getByLabel('Time zone (optional)').fill('Africa/Nairobi');
      await editor.getByRole('radio', { name: 'Hours per weekday' }).check();
      await editor.getByLabel('Monday').fill('08:00-17:00');
      await editor.getByLabel('Friday').fill('08:00-12:00, 14:00-16:00');
      await editor
        .getByLabel('OpenPGP public key (optional)')
        .fill(await generatePublicKey(t.clock.now()));
      await editor.getByRole('button', { name: 'Add PoC' }).click();
      await editor.getByRole('status').getByText(`${technical.name} was added.`).waitFor();
      const keyFacts = editor.getByRole('region', { name: `OpenPGP key of ${technical.name}` });
      // The panel shows the key of the latest save only, so it is read before the next one.
      const keyFactsText = await keyFacts.innerText();

      await fillRequiredPocFields(editor, diplomatic);
      await editor.getByRole('radio', { name: '24/7' }).check();
      await editor.getByRole('button', { name: 'Add PoC' }).click();
      await editor.getByRole('status').getByText(`${diplomatic.name} was added.`).waitFor();

      await fillRequiredPocFields(editor, policy);
      await editor.getByLabel('Role').selectOption('alternate');
      await editor.getByRole('button', { name: 'Add PoC' }).click();
      await editor.getByRole('status').getByText(`${policy.name} was added.`).waitFor();
      await saveScreenshot(editor, `directory-${dialect}-three-pocs`);

      stored.push(...(await loadStoredPocs()));
      assert.equal(stored.length, 3);
      const technicalRow = stored.find((poc) => poc.name === technical.name);
      assert.ok(technicalRow?.pgpFingerprint, 'the key was stored with a fingerprint');
      assert.match(keyFactsText, new RegExp(technicalRow.pgpFingerprint, 'i'));
      for (const poc of pocInputs) {
        const row = editor.getByRole('row', { name: new RegExp(poc.name) });
        assert.match(await row.innerText(), new RegExp(poc.phone.replace('+', '\\+')));
      }
      assert.match(
        await editor.getByRole('row', { name: new RegExp(policy.name) }).innerText(),
        /Policy \(alternate\)/,
      );

      const api = await t.request({
        method: 'GET',
        url: `/api/v1/pocs?state=${STATE}`,
        token: secretariat.token,
      });
      const pocs = api.json<{ pocs: { name: string; languages: string[]; hours: unknown }[] }>();
      const full = pocs.pocs.find((poc) => poc.name === technical.name);
      assert.ok(full, `${technical.name} is listed`);
      assert.deepEqual(full.languages, ['en', 'sw']);
      assert.deepEqual(full.hours, { mon: ['08:00-17:00'], fri: ['08:00-12:00', '14:00-16:00'] });
      const always = pocs.pocs.find((poc) => poc.name === diplomatic.name);
      assert.equal(always?.hours, '24/7');
    });

    it("other state's editor cannot reach them", async () => {
      assert.equal(stored.length, 3, 'the first journey stored three PoCs');
      const other = await t.createAccount('state-editor', { state: OTHER_STATE });
      for (const poc of stored) {
        const requests = [
          { method: 'PATCH' as const, url: `/api/v1/pocs/${poc.id}`, payload: { name: 'Taken' } },
          { method: 'POST' as const, url: `/api/v1/pocs/${poc.id}/confirm` },
          { method: 'GET' as const, url: `/api/v1/pocs/${poc.id}/history` },
          { method: 'DELETE' as const, url: `/api/v1/pocs/${poc.id}` },
        ];
        for (const request of requests) {
          const response = await t.request({ ...request, token: other.token });
          assert.equal(response.statusCode, 404, `${request.method} ${request.url}`);
        }
      }
      assert.deepEqual(await loadStoredPocs(), stored, 'nothing changed');

      const page = await newPage();
      await signIn(page, t.baseUrl, other, '/app/pocs');
      await page.getByText('Your state has no points of contact yet.').waitFor();
      const body = await page.locator('main').innerText();
      for (const poc of pocInputs) assert.doesNotMatch(body, new RegExp(poc.name));

      const [first] = stored;
      assert.ok(first);
      await page.goto(`${t.baseUrl}/app/pocs/${first.id}/history`);
      await page.getByRole('alert').waitFor();
      assert.doesNotMatch(await page.locator('main').innerText(), new RegExp(first.name));
    });

    it('public page and vCard hide telephones', async () => {
      const visitor = await newPage();
      await visitor.goto(`${t.baseUrl}/?q=Kenya`);
      const section = visitor.locator(`#state-${STATE}`);
      const text = await section.innerText();
      for (const poc of pocInputs) {
        assert.match(text, new RegExp(poc.name));
        assert.match(text, new RegExp(poc.email));
        assert.doesNotMatch(text, new RegExp(poc.phone.replace('+', '\\+')));
      }
      assert.doesNotMatch(text, /Telephone/);

      const technical = stored.find((poc) => poc.name === pocInputs[0]?.name);
      assert.ok(technical);
      const row = section.getByRole('row', { name: new RegExp(technical.name) });
      const [download] = await Promise.all([
        visitor.waitForEvent('download'),
        row.getByRole('link', { name: 'vCard' }).click(),
      ]);
      const card = await readFile(await download.path(), 'utf8');
      assert.match(card, /^BEGIN:VCARD/);
      assert.match(card, new RegExp(`FN:${technical.name}`));
      assert.match(card, /EMAIL:otieno\.odhiambo@ke-cirt\.example/);
      assert.doesNotMatch(card, /^TEL/m);
      assert.doesNotMatch(card, /OpenPGP fingerprint/);
      for (const poc of stored) assert.doesNotMatch(await publicVcard(poc.id), /^TEL/m);
    });

    it('telephone shows once the state makes it public', async () => {
      const editor = await signInEditor('/app/visibility');
      await editor.getByRole('heading', { level: 1, name: 'Directory visibility' }).waitFor();
      const phone = editor.getByRole('group', { name: 'Who sees: Telephone' });
      // Keyboard only: an arrow key moves the choice within the group, Enter saves.
      const membersOnly = phone.getByRole('radio', { name: 'Signed-in members only' });
      assert.equal(await membersOnly.isChecked(), true);
      await membersOnly.focus();
      await editor.keyboard.press('ArrowUp');
      assert.equal(await phone.getByRole('radio', { name: 'Everyone (public)' }).isChecked(), true);
      await editor.getByRole('button', { name: 'Save visibility' }).focus();
      await editor.keyboard.press('Enter');
      await editor.getByRole('status').getByText('The visibility settings were saved.').waitFor();

      const visibility = await t.request({
        method: 'GET',
        url: `/api/v1/states/${STATE}/visibility`,
      });
      // Reading the settings needs an account, so the public only gets their effect.
      assert.equal(visibility.statusCode, 401);

      const visitor = await newPage();
      await visitor.goto(`${t.baseUrl}/?q=Kenya`);
      const text = await visitor.locator(`#state-${STATE}`).innerText();
      for (const poc of pocInputs) assert.match(text, new RegExp(poc.phone.replace('+', '\\+')));
      // The emergency number stays for members, as the state left it.
      assert.doesNotMatch(text, /\+254722000999/);
      assert.match(text, /Members only/);
      for (const poc of stored) {
        const card = await publicVcard(poc.id);
        const expected = (poc.phone ?? '').replace('+', '\\+');
        assert.match(card, new RegExp(`^TEL;.*:tel:${expected}`, 'm'));
        assert.doesNotMatch(card, /x-emergency/i);
      }
    });

    it('editor confirms a stale PoC and reads its history', async () => {
      const policy = stored.find((poc) => poc.name === pocInputs[2]?.name);
      assert.ok(policy);
      // An entry last confirmed a year ago is past the 180-day period.
      const yearAgo = new Date(t.clock.now().getTime() - 365 * 24 * 3600 * 1000).toISOString();
      await t.ctx.db
        .updateTable('pocs')
        .set({ last_confirmed_at: yearAgo })
        .where('id', '=', policy.id)
        .execute();

      const editor = await signInEditor('/app/pocs');
      const row = editor.getByRole('row', { name: new RegExp(policy.name) });
      await row.getByText('Stale').waitFor();
      await row
        .getByRole('button', { name: `Confirm that the entry of ${policy.name} is current` })
        .click();
      await editor
        .getByRole('status')
        .getByText(`${policy.name} is confirmed as current.`)
        .waitFor();
      await row.getByText('Stale').waitFor({ state: 'detached' });

      await row.getByRole('button', { name: `Edit ${policy.name}` }).click();
      await editor.getByLabel('Designation (job title)').fill('Deputy national cyber coordinator');
      await editor.getByRole('button', { name: 'Save changes' }).click();
      await editor.getByRole('status').getByText(`${policy.name} was changed.`).waitFor();

      await row.getByRole('link', { name: `History of ${policy.name}` }).click();
      await editor.getByRole('heading', { level: 1, name: `History of ${policy.name}` }).waitFor();
      const entries = editor.locator('tbody tr');
      assert.equal(await entries.count(), 3);
      assert.deepEqual(await entries.evaluateAll((rows) => rows.map((r) => r.dataset.action)), [
        'create',
        'confirm',
        'update',
      ]);
      const update = await entries.nth(2).innerText();
      assert.match(update, new RegExp(EDITOR_EMAIL.replace(/\./g, '\\.')));
      assert.match(update, /Designation: National cyber coordinator → Deputy national cyber/);
      assert.deepEqual(await findSevereViolations(editor), []);
    });

    it('stale edit asks to reload the entry', async () => {
      const diplomatic = stored.find((poc) => poc.name === pocInputs[1]?.name);
      assert.ok(diplomatic);
      const editor = await signInEditor('/app/pocs');
      const row = editor.getByRole('row', { name: new RegExp(diplomatic.name) });
      await row.getByRole('button', { name: `Edit ${diplomatic.name}` }).click();
      await editor.getByRole('heading', { name: `Change ${diplomatic.name}` }).waitFor();

      // A second editor of the state changes the entry after the page loaded it.
      const colleague = await t.createAccount('state-editor', { state: STATE });
      const newDesignation = 'Director-General, cyber diplomacy';
      const colleagueEdit = await t.request({
        method: 'PATCH',
        url: `/api/v1/pocs/${diplomatic.id}`,
        token: colleague.token,
        payload: { designation: newDesignation },
      });
      assert.equal(colleagueEdit.statusCode, 200, colleagueEdit.body);

      const newOrganisation = 'Ministry of Foreign and Diaspora Affairs';
      await editor.getByLabel('Organisation').fill(newOrganisation);
      await editor.getByRole('button', { name: 'Save changes' }).click();
      const panel = editor.getByRole('alert', { name: 'Someone else changed this entry' });
      await panel.waitFor();
      assert.match(await panel.innerText(), /your changes were not saved/);
      await saveScreenshot(editor, `directory-${dialect}-stale-entry`);
      const afterStale = await t.ctx.db
        .selectFrom('pocs')
        .select(['designation', 'organisation'])
        .where('id', '=', diplomatic.id)
        .executeTakeFirstOrThrow();
      assert.equal(afterStale.designation, newDesignation);
      assert.equal(afterStale.organisation, 'Ministry of Foreign Affairs');
      assert.deepEqual(await findSevereViolations(editor), []);

      await panel.getByRole('button', { name: 'Reload the entry' }).click();
      await editor
        .getByRole('status')
        .getByText(`The current entry of ${diplomatic.name} is loaded.`)
        .waitFor();
      await panel.waitFor({ state: 'detached' });
      assert.equal(await editor.getByLabel('Designation (job title)').inputValue(), newDesignation);
      await editor.getByLabel('Organisation').fill(newOrganisation);
      await editor.getByRole('button', { name: 'Save changes' }).click();
      await editor.getByRole('status').getByText(`${diplomatic.name} was changed.`).waitFor();

      const saved = await t.ctx.db
        .selectFrom('pocs')
        .select(['designation', 'organisation'])
        .where('id', '=', diplomatic.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(saved, { designation: newDesignation, organisation: newOrganisation });
      const history = await t.ctx.db
        .selectFrom('poc_history')
        .select('action')
        .where('poc_id', '=', diplomatic.id)
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        history.map((entry) => entry.action),
        ['create', 'update', 'update'],
      );
    });

    it('likely duplicate needs Add anyway', async () => {
      const technical = pocInputs[0];
      assert.ok(technical);
      const editor = await signInEditor('/app/pocs');
      await fillRequiredPocFields(editor, {
        ...technical,
        level: 'policy',
        // The same person under a differently written name and another address.
        name: technical.name.toUpperCase(),
        email: 'o.odhiambo@ke-cirt.example',
      });
      await editor.getByRole('button', { name: 'Add PoC' }).click();
      const panel = editor.getByRole('alert', { name: 'This entry looks like an existing PoC' });
      await panel.waitFor();
      assert.match(
        await panel.innerText(),
        new RegExp(`${technical.name}[\\s\\S]*${technical.email}`),
      );
      assert.equal((await loadStoredPocs()).length, 3, 'nothing is added before confirming');
      assert.deepEqual(await findSevereViolations(editor), []);

      await panel.getByRole('button', { name: 'Add anyway' }).click();
      await editor
        .getByRole('status')
        .getByText(`${technical.name.toUpperCase()} was added.`)
        .waitFor();
      await panel.waitFor({ state: 'detached' });
      assert.equal((await loadStoredPocs()).length, 4);
    });

    it('administration actions follow the role', async () => {
      const secretariat = await t.createAccount('secretariat');
      const outsider = await t.createAccount('state-editor', { state: OTHER_STATE });
      const admin = await newPage();
      await signIn(admin, t.baseUrl, secretariat, '/app/admin');
      const editorRow = admin.locator(`tr[data-user-email="${EDITOR_EMAIL}"]`);
      await editorRow.waitFor();
      assert.match(await editorRow.innerText(), /state editor[\s\S]*KE[\s\S]*Active/);

      admin.once('dialog', (dialog) => void dialog.accept());
      await editorRow.getByRole('button', { name: `Suspend ${EDITOR_EMAIL}` }).click();
      await admin.getByRole('status').getByText(`${EDITOR_EMAIL} is suspended.`).waitFor();
      await editorRow.getByText('Suspended').waitFor();
      assert.equal(await editorRow.getByRole('button', { name: /Reset password/ }).count(), 0);
      await editorRow.getByRole('button', { name: `Reinstate ${EDITOR_EMAIL}` }).click();
      await admin.getByRole('status').getByText(`${EDITOR_EMAIL} is reinstated.`).waitFor();
      await editorRow.getByRole('button', { name: `Reset password of ${EDITOR_EMAIL}` }).click();
      await admin.getByRole('status').getByText(`A password-reset link was sent to`).waitFor();

      // The secretariat admits a partner organisation, then raises its clearance.
      await admin.getByLabel('E-mail address').fill('analyst@threat-lab.example');
      await admin.getByLabel('Role').selectOption('partner');
      await admin.getByLabel('Partner organisation', { exact: true }).fill('Threat Lab');
      await admin.getByLabel('Clearance', { exact: true }).selectOption('green');
      await admin.getByRole('button', { name: 'Send invitation' }).click();
      await admin.getByRole('status').getByText('An invitation was sent to analyst@').waitFor();
      await admin.reload();
      const clearance = admin.getByLabel('Clearance of Threat Lab', { exact: true });
      assert.equal(await clearance.inputValue(), 'green');
      await clearance.selectOption('amber');
      await admin.getByRole('button', { name: 'Save the clearance of Threat Lab' }).click();
      await admin
        .getByRole('status')
        .getByText('Threat Lab now has clearance TLP:AMBER.')
        .waitFor();
      const organisation = await t.ctx.db
        .selectFrom('organisations')
        .select('clearance')
        .where('name', '=', 'Threat Lab')
        .executeTakeFirstOrThrow();
      assert.equal(organisation.clearance, 'amber');
      assert.deepEqual(await findSevereViolations(admin), []);

      // A state editor sees only their own state's accounts, and no organisations.
      const editor = await signInEditor('/app/admin');
      await editor.locator(`tr[data-user-email="${EDITOR_EMAIL}"]`).waitFor();
      const accounts = await editor.getByRole('table', { name: 'Accounts, by e-mail' }).innerText();
      assert.doesNotMatch(accounts, new RegExp(outsider.email));
      assert.doesNotMatch(accounts, new RegExp(secretariat.email));
      assert.equal(await editor.getByRole('heading', { name: 'Partner organisations' }).count(), 0);
      const roles = await editor.getByLabel('Role').locator('option').allInnerTexts();
      assert.deepEqual(roles, ['Choose a role', 'state editor', 'point of contact']);
      assert.equal(await editor.getByRole('link', { name: 'Directory health' }).count(), 0);
      assert.deepEqual(await findSevereViolations(editor), []);
    });

    it('directory pages pass axe', async () => {
      const visitor = await newPage();
      await visitor.goto(`${t.baseUrl}/`);
      assert.deepEqual(await findSevereViolations(visitor), []);

      const editor = await signInEditor('/app/pocs');
      await editor
        .getByRole('row', { name: new RegExp(pocInputs[0]?.name ?? '') })
        .first()
        .waitFor();
      await editor.getByRole('radio', { name: 'Hours per weekday' }).check();
      assert.deepEqual(await findSevereViolations(editor), []);

      // The form with the API's field errors next to the fields.
      await editor.getByLabel('Time zone (optional)').fill('Mars/Olympus');
      await editor.getByLabel('Monday').fill('17:00-09:00');
      await editor.getByRole('button', { name: 'Add PoC' }).click();
      await editor.getByRole('alert').first().waitFor();
      const timeZone = editor.getByLabel('Time zone (optional)');
      assert.equal(await timeZone.getAttribute('aria-invalid'), 'true');
      assert.match((await timeZone.getAttribute('aria-describedby')) ?? '', /poc-time-zone-error/);
      assert.match(await editor.locator('#poc-time-zone-error').innerText(), /IANA/);
      assert.match(await editor.locator('#poc-hours-mon-error').innerText(), /end after/);
      assert.deepEqual(await findSevereViolations(editor), []);

      await editor.getByRole('link', { name: 'Directory visibility' }).click();
      await editor.getByRole('heading', { level: 1, name: 'Directory visibility' }).waitFor();
      assert.deepEqual(await findSevereViolations(editor), []);

      const secretariat = await t.createAccount('secretariat');
      const admin = await newPage();
      await signIn(admin, t.baseUrl, secretariat, '/app/admin');
      await admin
        .getByRole('table', { name: 'Partner organisations and their clearance' })
        .waitFor();
      assert.deepEqual(await findSevereViolations(admin), []);
      await Promise.all([
        admin.waitForURL(`${t.baseUrl}/directory/health`),
        admin.getByRole('link', { name: 'Directory health' }).click(),
      ]);
      await admin.getByRole('heading', { level: 1, name: 'Directory health' }).waitFor();
      assert.deepEqual(await findSevereViolations(admin), []);
    });
  });
}
