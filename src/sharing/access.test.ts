import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Principal } from '../accounts/principal.ts';
import { assertMayShare, audienceGrants, canReadVersion, type Grant } from './access.ts';
import { classifyObject } from './markings.ts';
import type { CheckedObject } from './stix-validation.ts';
import { tlp2MarkingIds, type TlpLevel } from './tlp.ts';

function principal(overrides: Partial<Principal>): Principal {
  return {
    accountId: 'acc-x',
    email: 'x@example.org',
    emailKey: 'x@example.org',
    role: 'poc',
    stateCode: null,
    organisationId: null,
    ...overrides,
  };
}

const sharer = principal({ accountId: 'acc-sharer', stateCode: 'FR' });
const frEditor = principal({ accountId: 'acc-fr', role: 'state-editor', stateCode: 'FR' });
const dePoc = principal({ accountId: 'acc-de', stateCode: 'DE' });
const partner = principal({ accountId: 'acc-p', role: 'partner', organisationId: 'org-1' });
const secretariat = principal({ accountId: 'acc-s', role: 'secretariat' });

describe('canReadVersion for partners', () => {
  const row = (tlp: TlpLevel) => ({ tlp, shared_by: sharer.accountId });
  const grants: Grant[] = [{ grantee_kind: 'organisation', grantee: 'org-1' }];

  it('applies the organisation clearance', () => {
    assert.equal(canReadVersion(partner, row('green'), grants, 'green'), true);
    assert.equal(canReadVersion(partner, row('amber'), grants, 'green'), false);
    assert.equal(canReadVersion(partner, row('amber'), grants, 'amber'), true);
  });

  it('reads only TLP:CLEAR without a clearance', () => {
    assert.equal(canReadVersion(partner, row('clear'), [], null), true);
    assert.equal(canReadVersion(partner, row('green'), [], null), false);
  });
});

describe('canReadVersion', () => {
  const recipients = { states: ['DE'], organisationIds: ['org-1'], accountIds: [] };

  function readers(tlp: TlpLevel, grants: Grant[]): string[] {
    const row = { tlp, shared_by: sharer.accountId };
    const candidates = { public: null, sharer, frEditor, dePoc, partner, secretariat };

    return Object.entries(candidates)
      .filter(([, who]) => canReadVersion(who, row, grants, who === partner ? 'red' : null))
      .map(([name]) => name);
  }

  it('lets anyone read TLP:CLEAR', () => {
    assert.equal(readers('clear', []).length, 6);
  });

  it('lets every account but not the public read TLP:GREEN', () => {
    assert.deepEqual(readers('green', []), [
      'sharer',
      'frEditor',
      'dePoc',
      'partner',
      'secretariat',
    ]);
  });

  it('limits TLP:AMBER to the sharer state and named recipients', () => {
    const own = audienceGrants('amber', sharer, {
      states: [],
      organisationIds: [],
      accountIds: [],
    });
    assert.deepEqual(readers('amber', own), ['sharer', 'frEditor']);
    const named = audienceGrants('amber+strict', sharer, recipients);
    assert.deepEqual(readers('amber+strict', named), ['sharer', 'frEditor', 'dePoc', 'partner']);
  });

  it('limits TLP:RED to named accounts and the sharer', () => {
    const grants = audienceGrants('red', sharer, { ...recipients, accountIds: [dePoc.accountId] });
    assert.deepEqual(grants, [{ grantee_kind: 'account', grantee: dePoc.accountId }]);
    assert.deepEqual(readers('red', grants), ['sharer', 'dePoc']);
  });

  it('ignores state grants on TLP:RED', () => {
    const grants: Grant[] = [{ grantee_kind: 'state', grantee: 'FR' }];
    assert.deepEqual(readers('red', grants), ['sharer']);
  });

  it('fails closed on an unknown level', () => {
    const row = { tlp: 'purple', shared_by: sharer.accountId };
    assert.equal(canReadVersion(frEditor, row, [{ grantee_kind: 'state', grantee: 'FR' }]), false);
  });

  it('grants secretariat TLP:AMBER to the secretariat', () => {
    const grants = audienceGrants('amber', secretariat, {
      states: [],
      organisationIds: [],
      accountIds: [],
    });
    const row = { tlp: 'amber', shared_by: secretariat.accountId };
    const other = principal({ accountId: 'acc-s2', role: 'secretariat' });
    assert.equal(canReadVersion(other, row, grants), true);
    assert.equal(canReadVersion(frEditor, row, grants), false);
  });
});

describe('assertMayShare', () => {
  it('rejects partners', () => {
    assert.throws(
      () => {
        assertMayShare(partner);
      },
      { code: 'forbidden' },
    );
  });

  it('allows states and the secretariat', () => {
    assert.doesNotThrow(() => {
      assertMayShare(sharer);
    });
    assert.doesNotThrow(() => {
      assertMayShare(secretariat);
    });
  });
});

describe('classifyObject', () => {
  const catalogue = { definitions: new Map(), defaultTlp: 'amber' as const };

  function checked(object: Record<string, unknown>): CheckedObject {
    return {
      object,
      id: String(object.id),
      type: String(object.type),
      kind: 'sdo',
      version: null,
      revoked: false,
    };
  }

  it('names all three levels of a triple conflict', () => {
    const refs = [tlp2MarkingIds.red, tlp2MarkingIds.clear, tlp2MarkingIds.green];
    const result = classifyObject(
      checked({ id: 'tool--1', type: 'tool', object_marking_refs: refs }),
      catalogue,
    );
    assert.deepEqual(result, {
      ok: false,
      reason: 'conflicting TLP markings: TLP:CLEAR, TLP:GREEN and TLP:RED',
    });
  });

  it('reads TLP 1.0 WHITE and TLP 2.0 CLEAR as one level', () => {
    const refs = ['marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9', tlp2MarkingIds.clear];
    const result = classifyObject(
      checked({ id: 'tool--1', type: 'tool', object_marking_refs: refs }),
      catalogue,
    );
    assert.ok(result.ok);
    assert.equal(result.tlp, 'clear');
  });

  it('reads the OpenCTI AMBER+STRICT id', () => {
    const refs = ['marking-definition--826578e1-40ad-459f-bc73-ede076f81f37'];
    const result = classifyObject(
      checked({ id: 'tool--1', type: 'tool', object_marking_refs: refs }),
      catalogue,
    );
    assert.ok(result.ok);
    assert.equal(result.tlp, 'amber+strict');
  });

  it('uses the default level for an unmarked object', () => {
    const result = classifyObject(checked({ id: 'tool--1', type: 'tool' }), catalogue);
    assert.ok(result.ok);
    assert.equal(result.tlp, 'amber');
  });
});
