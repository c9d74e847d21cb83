/**
 * Which live controller should own which key (pool or environment set): rendezvous hashing
 * with bounded loads. Each key ranks the members by a hash of (member, key); keys are taken in
 * name order and go to their highest-ranked member that still has room (loads differ by at most one).
 * Every controller computes the same answer from the same (members, keys), so no coordinator
 * is needed; leases then make the answer safe while views of the membership briefly differ.
 */
export function assign(keys: readonly string[], members: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (members.length === 0) return out;
  const sortedMembers = [...new Set(members)].sort();
  const unique = [...new Set(keys)].sort();
  // floor(keys/members) each, and `extra` of them one more: loads differ by at most one.
  const base = Math.floor(unique.length / sortedMembers.length);
  let extra = unique.length % sortedMembers.length;
  const load = new Map(sortedMembers.map((m) => [m, 0]));
  const room = (m: string) => load.get(m)! < base || (load.get(m)! === base && extra > 0);
  for (const key of unique) {
    const ranked = sortedMembers.map((m) => ({ m, w: weight(m, key) })).sort((a, b) => b.w - a.w || (a.m < b.m ? -1 : 1));
    const owner = ranked.find((r) => room(r.m))!.m;
    if (load.get(owner) === base) extra--;
    load.set(owner, load.get(owner)! + 1);
    out.set(key, owner);
  }
  return out;
}

/** FNV-1a over "member\u0000key" with murmur3's finaliser: cheap, stable across processes and versions. */
export function weight(member: string, key: string): number {
  let h = 0x811c9dc5;
  const s = `${member}\u0000${key}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
