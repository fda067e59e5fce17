import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../mail/smtp.test-helpers.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../webhooks/webhook.test-helpers.ts';
import {
  tlp2MarkingIds,
  tlpByMarkingId,
  tlpLevels,
  tlpRank,
  type TlpLevel,
} from '../sharing/tlp.ts';
import { MEMBERS, pageAll, PUBLIC, taxiiGet } from './taxii.test-helpers.ts';

/** Seed of the generator; set LEAK_SEED to replay a failure. */
const SEED = Number(process.env.LEAK_SEED ?? 20261204);
const OBJECT_COUNT = 40;

/** Mulberry32: a small seeded generator, so a failing run can be replayed exactly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);

    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

interface Caller {
  name: string;
  account: TestAccount | null;
  role: 'public' | 'poc' | 'state-editor' | 'partner' | 'secretariat';
  state: string | null;
  org: string | null;
  clearance: TlpLevel | null;
}

interface Community {
  id: string;
  states: string[];
  orgs: string[];
}

interface SharedVersion {
  id: string;
  modified: string;
  tlp: TlpLevel;
  sharer: Caller;
  states: string[];
  orgs: string[];
  accounts: Caller[];
  community: Community | null;
}

function isMember(caller: Caller, community: Community): boolean {
  return (
    (caller.state !== null && community.states.includes(caller.state)) ||
    (caller.org !== null && community.orgs.includes(caller.org))
  );
}

/**
 * Decides readability by the TLP rule and the community rule, written out independently of the
 * server code. A version shared into a community is for its members and its sharer only, unless
 * it is TLP:CLEAR. At TLP:AMBER the community's members are its audience.
 */
function mayRead(caller: Caller, version: SharedVersion): boolean {
  if (version.tlp === 'clear') return true;
  if (caller.account === null) return false;
  if (caller.role === 'partner' && tlpRank(version.tlp) > tlpRank(caller.clearance ?? 'clear')) {
    return false;
  }
  const community = version.community;
  if (caller === version.sharer) return true;
  if (community !== null && !isMember(caller, community)) return false;
  if (version.tlp === 'green') return true;
  const named = version.accounts.includes(caller);
  if (version.tlp === 'red') return named;
  if (community !== null) return true;

  const sharer = version.sharer;
  const sameState = caller.state !== null && caller.state === sharer.state;
  const sameOrg = caller.org !== null && caller.org === sharer.org;
  const bothSecretariat = caller.role === 'secretariat' && sharer.role === 'secretariat';
  const namedState = caller.state !== null && version.states.includes(caller.state);
  const namedOrg = caller.org !== null && version.orgs.includes(caller.org);

  return named || sameState || sameOrg || bothSecretariat || namedState || namedOrg;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');

  return item;
}

function subset<T>(random: () => number, items: readonly T[], chance: number): T[] {
  return items.filter(() => random() < chance);
}

const TLP1_IDS = [...tlpByMarkingId.entries()];

/** Picks a marking id for a level: the TLP 2.0 id, or another id read as the same level. */
function markingFor(random: () => number, tlp: TlpLevel): string {
  const aliases = TLP1_IDS.filter(([, level]) => level === tlp).map(([id]) => id);

  return random() < 0.5 ? tlp2MarkingIds[tlp] : pick(random, aliases);
}

/** Opens a live event stream over a real socket and keeps the raw frames it receives. */
async function openStream(baseUrl: string, caller: Caller, token: string) {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/v1/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  assert.equal(res.status, 200);
  const frames: string[] = [];
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        const chunk = await reader?.read();
        if (chunk === undefined || chunk.done) return;
        frames.push(...decoder.decode(chunk.value, { stream: true }).split('\n\n'));
      }
    } catch {
      // The test closed the stream.
    }
  })();

  return {
    caller,
    frames,
    close: () => {
      controller.abort();
    },
  };
}

for (const dialect of testDialects) {
  describe(`TLP leak check over every way out on ${dialect} (seed ${SEED})`, () => {
    let t: TestApp;
    let smtp: TestSmtpServer;
    let receiver: WebhookReceiver;
    let baseUrl = '';
    const callers: Caller[] = [];
    const versions: SharedVersion[] = [];
    const ids: string[] = [];
    const communities: Community[] = [];

    before(async () => {
      smtp = await startTestSmtpServer();
      receiver = await startWebhookReceiver();
      // The webhook receiver listens on loopback, which the operator must allow explicitly.
      t = await startTestApp(dialect, { smtpUrl: smtp.url, webhookAllowedHosts: ['127.0.0.1'] });
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      const random = seededRandom(SEED);
      const add = async (
        name: string,
        role: Caller['role'],
        place: { state?: string; org?: string; clearance?: TlpLevel },
      ) => {
        const account =
          role === 'public'
            ? null
            : await t.createAccount(role, {
                ...(place.state === undefined ? {} : { state: place.state }),
                ...(place.org === undefined ? {} : { org: place.org }),
              });
        callers.push({
          name,
          account,
          role,
          state: place.state ?? null,
          org: place.org ?? null,
          clearance: place.clearance ?? null,
        });
      };
      await add('public', 'public', {});
      await add('poc FR', 'poc', { state: 'FR' });
      await add('editor FR', 'state-editor', { state: 'FR' });
      await add('poc DE', 'poc', { state: 'DE' });
      await add('poc JP', 'poc', { state: 'JP' });
      await add('poc BR', 'poc', { state: 'BR' });
      await add('secretariat A', 'secretariat', {});
      await add('secretariat B', 'secretariat', {});
      await add('partner green', 'partner', { org: 'Green Org', clearance: 'green' });
      await add('partner amber', 'partner', { org: 'Amber Org', clearance: 'amber' });
      await add('partner red', 'partner', { org: 'Red Org', clearance: 'red' });
      for (const caller of callers.filter((c) => c.role === 'partner')) {
        await t.ctx.db
          .updateTable('organisations')
          .set({ clearance: caller.clearance ?? 'clear' })
          .where('name', '=', caller.org ?? '')
          .execute();
      }

      const sharers = callers.filter((c) => c.role !== 'public' && c.role !== 'partner');
      const accounts = callers.filter((c) => c.account !== null);
      const orgs = callers.filter((c) => c.org !== null);
      const organisationIds = new Map(
        (await t.ctx.db.selectFrom('organisations').select(['id', 'name']).execute()).map((row) => [
          row.name,
          row.id,
        ]),
      );
      const secretariat = callers.find((c) => c.role === 'secretariat')?.account?.token ?? '';
      for (const name of ['CERTs of the Pacific', 'Atlantic exchange']) {
        const states = subset(random, ['FR', 'DE', 'JP', 'BR'], 0.5);
        const memberOrgs = subset(random, orgs, 0.5).map((c) => c.org ?? '');
        const res = await t.request({
          method: 'POST',
          url: '/api/v1/communities',
          token: secretariat,
          payload: { name, states, organisations: memberOrgs },
        });
        assert.equal(res.statusCode, 201, res.body);
        communities.push({ id: res.json<{ id: string }>().id, states, orgs: memberOrgs });
      }

      for (let n = 0; n < OBJECT_COUNT; n += 1) {
        const id = `indicator--${randomUUID()}`;
        ids.push(id);
        const sharer = pick(random, sharers);
        const count = 1 + Math.floor(random() * 3);
        for (let v = 0; v < count; v += 1) {
          const version: SharedVersion = {
            id,
            modified: `2024-03-0${v + 1}T08:15:30.${String(n).padStart(3, '0')}Z`,
            tlp: pick(random, tlpLevels),
            sharer,
            states: subset(random, ['FR', 'DE', 'JP', 'BR'], 0.25),
            orgs: subset(random, orgs, 0.3).map((c) => c.org ?? ''),
            accounts: subset(random, accounts, 0.15),
            community: random() < 0.4 ? pick(random, communities) : null,
          };
          // Only members, and the secretariat, share into a community.
          if (version.community !== null && sharer.role !== 'secretariat') {
            if (!isMember(sharer, version.community)) version.community = null;
          }
          // An upload that names a partner cleared below its TLP is rejected, so none is named.
          const isCleared = (caller: Caller | undefined) =>
            caller?.role !== 'partner' ||
            tlpRank(caller.clearance ?? 'clear') >= tlpRank(version.tlp);
          version.orgs = version.orgs.filter((org) => isCleared(orgs.find((c) => c.org === org)));
          version.accounts = version.accounts.filter((caller) => isCleared(caller));
          const object = {
            type: 'indicator',
            spec_version: '2.1',
            id,
            created: '2024-03-01T08:15:30.000Z',
            modified: version.modified,
            pattern: `[ipv4-addr:value = '192.0.2.${n}']`,
            pattern_type: 'stix',
            valid_from: '2024-03-01T08:15:30Z',
            object_marking_refs: [markingFor(random, version.tlp)],
          };
          const query = new URLSearchParams({
            states: version.states.join(','),
            orgs: version.orgs.map((name) => organisationIds.get(name) ?? name).join(','),
            accounts: version.accounts.map((c) => c.account?.email ?? '').join(','),
            ...(version.community === null ? {} : { community: version.community.id }),
          });
          const res = await t.request({
            method: 'POST',
            url: `/api/v1/bundles?${query.toString()}`,
            token: sharer.account?.token ?? '',
            payload: { type: 'bundle', objects: [object] },
          });
          assert.equal(res.statusCode, 201, res.body);
          versions.push(version);
          t.clock.advance(1);
        }
      }
    });
    after(async () => {
      await t.close();
      await smtp.close();
      await receiver.close();
    });

    function readable(caller: Caller, tlp?: TlpLevel): SharedVersion[] {
      return versions.filter((v) => mayRead(caller, v) && (tlp === undefined || v.tlp === tlp));
    }

    function latestReadable(caller: Caller, tlp?: TlpLevel): Map<string, string> {
      const latest = new Map<string, string>();
      for (const version of readable(caller, tlp)) {
        const current = latest.get(version.id);
        if (current === undefined || version.modified > current) {
          latest.set(version.id, version.modified);
        }
      }

      return latest;
    }

    const key = (object: Record<string, unknown>) =>
      `${String(object.id)} ${String(object.modified)}`;

    it('TAXII objects list every readable version and nothing else', async () => {
      for (const caller of callers) {
        if (caller.account === null) continue;
        const { objects } = await pageAll(
          t,
          `${MEMBERS}/objects/?match[version]=all&limit=7`,
          caller.account.token,
        );
        const got = new Set(objects.map(key));
        const expected = new Set(readable(caller).map((v) => `${v.id} ${v.modified}`));
        assert.deepEqual(got, expected, `${caller.name}, seed ${SEED}`);
      }
    });

    it('TAXII objects and manifest give the latest readable version', async () => {
      for (const caller of callers) {
        if (caller.account === null) continue;
        const expected = latestReadable(caller);
        const { objects } = await pageAll(t, `${MEMBERS}/objects/`, caller.account.token);
        assert.deepEqual(
          new Map(objects.map((o) => [String(o.id), String(o.modified)])),
          expected,
          `${caller.name} objects, seed ${SEED}`,
        );
        const manifest = await pageAll(t, `${MEMBERS}/manifest/?limit=9`, caller.account.token);
        assert.deepEqual(
          new Map(manifest.objects.map((o) => [String(o.id), String(o.version)])),
          expected,
          `${caller.name} manifest, seed ${SEED}`,
        );
      }
    });

    it('public collection gives TLP:CLEAR versions only', async () => {
      for (const caller of callers) {
        const token = caller.account?.token;
        const { objects } = await pageAll(t, `${PUBLIC}/objects/?match[version]=all`, token);
        const expected = new Set(readable(caller, 'clear').map((v) => `${v.id} ${v.modified}`));
        assert.deepEqual(new Set(objects.map(key)), expected, `${caller.name}, seed ${SEED}`);
      }
    });

    it('single object, versions and JSON API agree with the rule', async () => {
      for (const caller of callers) {
        const token = caller.account?.token;
        const latest = latestReadable(caller);
        for (const id of ids) {
          const expected = latest.get(id);
          const single =
            caller.account === null
              ? await taxiiGet(t, `${PUBLIC}/objects/${id}/`)
              : await taxiiGet(t, `${MEMBERS}/objects/${id}/`, token);
          const publicExpected =
            caller.account === null ? latestReadable(caller, 'clear').get(id) : expected;
          assert.equal(
            single.statusCode,
            publicExpected === undefined ? 404 : 200,
            `${caller.name} ${id}`,
          );

          const json = await t.request({
            method: 'GET',
            url: `/api/v1/objects/${id}`,
            ...(token === undefined ? {} : { token }),
          });
          assert.equal(
            json.statusCode,
            expected === undefined ? 404 : 200,
            `${caller.name} JSON ${id}`,
          );
          if (expected !== undefined) {
            assert.equal(
              json.json<{ modified: string }>().modified,
              expected,
              `${caller.name} ${id}`,
            );
          }

          if (caller.account === null) continue;
          const history = await taxiiGet(t, `${MEMBERS}/objects/${id}/versions/`, token);
          const readableVersions = readable(caller)
            .filter((v) => v.id === id)
            .map((v) => v.modified)
            .sort();
          if (readableVersions.length === 0) {
            assert.equal(history.statusCode, 404, `${caller.name} versions ${id}`);
          } else {
            assert.deepEqual(history.json<{ versions: string[] }>().versions, readableVersions);
          }
        }
      }
    });

    it('JSON list and file export hold exactly the readable objects', async () => {
      for (const caller of callers) {
        const token = caller.account?.token;
        const auth = token === undefined ? {} : { token };
        const expected = latestReadable(caller);
        const list = await t.request({ method: 'GET', url: '/api/v1/objects?limit=500', ...auth });
        const listed = list.json<{ objects: Record<string, unknown>[] }>().objects;
        assert.deepEqual(
          new Map(listed.map((o) => [String(o.id), String(o.modified)])),
          expected,
          `${caller.name} list, seed ${SEED}`,
        );
        const file = await t.request({ method: 'GET', url: '/api/v1/export/stix', ...auth });
        const exported = file
          .json<{ objects: Record<string, unknown>[] }>()
          .objects.filter((o) => o.type !== 'marking-definition');
        assert.deepEqual(
          new Map(exported.map((o) => [String(o.id), String(o.modified)])),
          expected,
          `${caller.name} export, seed ${SEED}`,
        );
      }
    });

    it('community collections hold their readable versions for members only', async () => {
      for (const community of communities) {
        const url = `/taxii2/members/collections/${community.id}/objects/?match[version]=all&limit=5`;
        for (const caller of callers) {
          if (caller.account === null) continue;
          const res = await taxiiGet(t, url, caller.account.token);
          if (!isMember(caller, community)) {
            const status = caller.role === 'secretariat' ? 403 : 404;
            assert.equal(res.statusCode, status, `${caller.name}, seed ${SEED}`);
            continue;
          }
          const { objects } = await pageAll(t, url, caller.account.token);
          const expected = versions.filter((v) => v.community === community && mayRead(caller, v));
          assert.deepEqual(
            new Set(objects.map(key)),
            new Set(expected.map((v) => `${v.id} ${v.modified}`)),
            `${caller.name} community, seed ${SEED}`,
          );
        }
      }
    });

    /** The ids a reader may read some version of. */
    function readableIds(reader: Caller, cited: readonly string[]): Set<string> {
      return new Set(cited.filter((id) => versions.some((v) => v.id === id && mayRead(reader, v))));
    }

    const idPattern =
      /[a-z][a-z0-9-]*--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
    const citedIn = (text: string) => new Set(text.match(idPattern) ?? []);

    // By SSE, JSON, mail and webhook, an alert names exactly the cited objects each reader may read.
    it('alerts name only readable objects', async () => {
      const byName = (name: string) => {
        const caller = callers.find((c) => c.name === name);
        assert.ok(caller !== undefined, name);
        assert.ok(caller.account !== null, name);

        return caller as Caller & { account: TestAccount };
      };
      const stateCallers = callers.filter((c) => c.state !== null && c.account !== null);
      for (const caller of stateCallers) {
        await insertPoc(t.ctx, { state: caller.state ?? '', email: caller.account?.email ?? '' });
      }
      const organisationIds = new Map(
        (await t.ctx.db.selectFrom('organisations').select(['id', 'name']).execute()).map((row) => [
          row.name,
          row.id,
        ]),
      );
      const secretariat = byName('secretariat A');
      const owners = [
        ...['FR', 'DE', 'JP', 'BR'].map((state) => ({ state })),
        ...callers.flatMap((c) =>
          c.org === null ? [] : [{ organisation: organisationIds.get(c.org) }],
        ),
      ];
      for (const owner of owners) {
        const path = 'state' in owner ? `state-${owner.state}` : `org-${owner.organisation ?? ''}`;
        const res = await t.request({
          method: 'POST',
          url: '/api/v1/webhooks',
          token: secretariat.account.token,
          payload: { url: `${receiver.url}/${path}`, ...owner },
        });
        assert.equal(res.statusCode, 201, res.body);
      }
      const streams = await Promise.all(
        callers.flatMap((c) =>
          c.account === null ? [] : [openStream(baseUrl, c, c.account.token)],
        ),
      );

      // A GREEN alert to every state and partner, and an AMBER one to named states and partners,
      // each citing objects its sender may read at or below the alert's level.
      const random = seededRandom(SEED + 1);
      const citable = (sender: Caller, levels: TlpLevel[]) =>
        [...latestReadableTlp(sender)].filter(([, tlp]) => levels.includes(tlp)).map(([id]) => id);
      const editor = byName('editor FR');
      const amberOrgs = callers.filter((c) => c.role === 'partner' && c.clearance !== 'green');
      const plans = [
        {
          sender: secretariat,
          payload: { tlp: 'green', partners: true },
          cited: subset(random, citable(secretariat, ['clear', 'green']), 0.5).slice(0, 12),
        },
        {
          sender: editor,
          payload: {
            tlp: 'amber',
            states: ['DE', 'JP', 'BR'],
            organisations: amberOrgs.map((c) => organisationIds.get(c.org ?? '') ?? ''),
          },
          cited: subset(random, citable(editor, ['clear', 'green', 'amber']), 0.5).slice(0, 12),
        },
      ];
      const sent: { id: string; title: string; sender: Caller; cited: string[] }[] = [];
      for (const [n, plan] of plans.entries()) {
        const title = `Leak check ${n + 1}`;
        const res = await t.request({
          method: 'POST',
          url: '/api/v1/alerts',
          token: plan.sender.account.token,
          payload: {
            title,
            severity: 3,
            body: 'See the objects.',
            objectIds: plan.cited,
            ...plan.payload,
          },
        });
        assert.equal(res.statusCode, 201, res.body);
        sent.push({
          id: res.json<{ id: string }>().id,
          title,
          sender: plan.sender,
          cited: plan.cited,
        });
      }
      await t.createWorker().runUntilIdle();
      await sleep(200);

      // Counts readers from whom some cited id is withheld, so the check is known to bite.
      let withheld = 0;
      for (const alert of sent) {
        const recipients = await t.ctx.db
          .selectFrom('alert_recipients')
          .select(['email_key'])
          .where('alert_id', '=', alert.id)
          .execute();
        const recipientEmails = new Set(recipients.map((r) => r.email_key));
        assert.ok(recipientEmails.size > 0, 'the alert has recipients');
        for (const [index, caller] of callers.entries()) {
          const account = caller.account;
          if (account === null) continue;
          const expected = readableIds(caller, alert.cited);
          if (expected.size < alert.cited.length) withheld += 1;
          const isRecipient = recipientEmails.has(account.email);
          const stream = streams.find((s) => s.caller === caller);
          const frames = (stream?.frames ?? []).filter((f) => f.includes(alert.id));
          for (const frame of frames) {
            for (const id of citedIn(frame))
              assert.ok(expected.has(id), `SSE ${caller.name} ${id}`);
          }
          const isSender = alert.sender === caller;
          if (!isRecipient && !isSender) continue;
          assert.ok(frames.length > 0, `${caller.name} gets the alert live, seed ${SEED}`);

          const res = await t.request({
            method: 'GET',
            url: `/api/v1/alerts/${alert.id}`,
            token: account.token,
          });
          assert.equal(res.statusCode, 200, `${caller.name} ${index}`);
          assert.deepEqual(
            new Set(res.json<{ objectIds: string[] }>().objectIds),
            expected,
            `${caller.name} JSON alert, seed ${SEED}`,
          );
          if (!isRecipient) continue;
          const mails = smtp
            .to(account.email)
            .filter((m) => (m.mail.subject ?? '').includes(alert.title));
          assert.equal(mails.length, 1, `${caller.name} gets one mail, seed ${SEED}`);
          const named = citedIn(mails[0]?.mail.text ?? '');
          assert.deepEqual(named, expected, `mail to ${caller.name}, seed ${SEED}`);
        }
      }

      assert.ok(withheld > 0, `no cited object was withheld from anyone, seed ${SEED}`);
      for (const mail of smtp.received) {
        const alert = sent.find((a) => (mail.mail.subject ?? '').includes(a.title));
        const caller = callers.find((c) => c.account?.email === mail.envelopeTo[0]);
        assert.ok(alert !== undefined, 'every mail is about a sent alert');
        assert.ok(caller !== undefined, 'every mail is to a known caller');
        assert.deepEqual(citedIn(mail.mail.text ?? ''), readableIds(caller, alert.cited));
      }

      assert.ok(receiver.calls.length > 0, 'webhooks were called');
      for (const call of receiver.calls) {
        const body = JSON.parse(call.body) as { alert: { id: string; objectIds: string[] } };
        const alert = sent.find((a) => a.id === body.alert.id);
        assert.ok(alert !== undefined);
        const owner = call.path.slice(1);
        const reader: Caller = owner.startsWith('state-')
          ? { ...readerBase, name: owner, role: 'poc', state: owner.slice(6) }
          : partnerReader(owner.slice(4), organisationIds);
        assert.deepEqual(
          new Set(body.alert.objectIds),
          readableIds(reader, alert.cited),
          `webhook ${owner}, seed ${SEED}`,
        );
      }
      for (const stream of streams) stream.close();
    });

    /** Latest version's TLP of each object the caller may read, as the alert check reads it. */
    function latestReadableTlp(caller: Caller): Map<string, TlpLevel> {
      const latest = new Map<string, SharedVersion>();
      for (const version of readable(caller)) {
        const current = latest.get(version.id);
        if (current === undefined || version.modified > current.modified)
          latest.set(version.id, version);
      }

      return new Map([...latest].map(([id, version]) => [id, version.tlp]));
    }

    const readerBase = {
      account: { id: '', email: '', token: '', password: '' },
      state: null,
      org: null,
      clearance: null,
    };

    function partnerReader(organisationId: string, organisationIds: Map<string, string>): Caller {
      const partner = callers.find(
        (c) => c.org !== null && organisationIds.get(c.org) === organisationId,
      );
      assert.ok(partner !== undefined, organisationId);

      return {
        ...readerBase,
        name: `org ${partner.org ?? ''}`,
        role: 'partner',
        org: partner.org,
        clearance: partner.clearance,
      };
    }
  });
}
