import { randomUUID } from 'node:crypto';
import { fromGlobalId, toGlobalId } from '@gongzhi/core';

/** The encoding every global id ever issued has: base64url of the UTF-8 of `Type:localId`. */
const reference = (type: string, id: string) => Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');

test('global ids are the base64url of `Type:localId` for any local id, short or long, ASCII or not', () => {
  const ids = [
    randomUUID(),
    randomUUID(),
    '',
    'x',
    '东城区-和平里',
    '😀 surrogate pairs 😀',
    'é'.repeat(84),
    'é'.repeat(85),
    'a'.repeat(84),
    'a'.repeat(85),
    '好'.repeat(300),
  ];
  for (const type of ['Request', 'MoralBankAccount', 'P']) {
    for (const id of ids) {
      expect(toGlobalId(type, id)).toBe(reference(type, id));
      if (id) expect(fromGlobalId(toGlobalId(type, id))).toEqual({ type, id });
    }
  }
  // Calls one after another share no state: a long id does not leave bytes behind for a short one.
  const long = toGlobalId('Request', 'a'.repeat(80));
  const short = toGlobalId('Request', 'b');
  expect([long, short]).toEqual([reference('Request', 'a'.repeat(80)), reference('Request', 'b')]);
});

test('a global id asked for again, and after more ids than are kept, is the same encoding', () => {
  const ids = Array.from({ length: 25_000 }, () => randomUUID());
  const first = ids.map((id) => toGlobalId('Person', id));
  // The first ids were dropped from what is kept on the way; they are encoded again, the same.
  ids.forEach((id, i) => expect(toGlobalId('Person', id)).toBe(first[i]));
  expect(first.every((globalId, i) => globalId === reference('Person', ids[i]))).toBe(true);
  // The same local id under another type is another id.
  expect(toGlobalId('Place', ids[0])).toBe(reference('Place', ids[0]));
});
