import { describe, expect, it } from 'vitest';
import { decideSignIn, groupsOf } from './sign-in.js';

const settings = { groupsClaim: 'groups', roles: { ops: 'operator', watchers: 'viewer', platform: 'admin' } as const };

describe('decideSignIn', () => {
  it('gives the role of the person’s mapped group and names them by email', () => {
    expect(decideSignIn({ sub: 'u1', email: 'a@example.com', groups: ['ops', 'everyone'] }, settings)).toEqual({ ok: true, subject: 'u1', name: 'a@example.com', role: 'operator', groups: ['ops', 'everyone'] });
  });

  it('someone in several mapped groups gets the strongest role, whatever the order', () => {
    expect(decideSignIn({ sub: 'u1', groups: ['watchers', 'platform', 'ops'] }, settings)).toMatchObject({ ok: true, role: 'admin' });
    expect(decideSignIn({ sub: 'u1', groups: ['watchers', 'ops'] }, settings)).toMatchObject({ ok: true, role: 'operator' });
  });

  it('refuses someone in no mapped group, saying which groups were sent', () => {
    expect(decideSignIn({ sub: 'u1', groups: ['marketing'] }, settings)).toEqual({ ok: false, refusal: { reason: 'NoMappedGroup', groups: ['marketing'] } });
    expect(decideSignIn({ sub: 'u1' }, settings)).toEqual({ ok: false, refusal: { reason: 'NoMappedGroup', groups: [] } });
  });

  it('a group named like an object property maps to nothing', () => {
    expect(decideSignIn({ sub: 'u1', groups: ['constructor', '__proto__', 'toString'] }, settings)).toMatchObject({ ok: false });
  });

  it('refuses claims without a subject', () => {
    expect(decideSignIn({ email: 'a@example.com', groups: ['ops'] }, settings)).toEqual({ ok: false, refusal: { reason: 'NoSubject' } });
  });

  it('refuses an empty subject, and one that is not a string: sessions are kept by the subject as text', () => {
    expect(decideSignIn({ sub: '', email: 'a@example.com', groups: ['ops'] }, settings)).toEqual({ ok: false, refusal: { reason: 'NoSubject' } });
    expect(decideSignIn({ sub: 4_815_162, email: 'a@example.com', groups: ['ops'] }, settings)).toEqual({ ok: false, refusal: { reason: 'NoSubject' } });
  });

  it('an empty email does not name anyone: the username, else the subject, does', () => {
    expect(decideSignIn({ sub: 'u1', email: '', preferred_username: 'ada', groups: ['ops'] }, settings)).toMatchObject({ ok: true, name: 'ada' });
    expect(decideSignIn({ sub: 'u1', email: '', preferred_username: '', groups: ['ops'] }, settings)).toMatchObject({ ok: true, name: 'u1' });
  });

  it('names the person by preferred_username without an email, else by subject', () => {
    expect(decideSignIn({ sub: 'u1', preferred_username: 'ada', groups: ['ops'] }, settings)).toMatchObject({ name: 'ada' });
    expect(decideSignIn({ sub: 'u1', groups: ['ops'] }, settings)).toMatchObject({ name: 'u1' });
  });

  it('reads the groups from the configured claim, one name or a list', () => {
    expect(decideSignIn({ sub: 'u1', roles: 'ops' }, { ...settings, groupsClaim: 'roles' })).toMatchObject({ ok: true, role: 'operator' });
    expect(groupsOf(['a', 3, null, 'b'])).toEqual(['a', 'b']);
    expect(groupsOf({ a: 1 })).toEqual([]);
  });
});
