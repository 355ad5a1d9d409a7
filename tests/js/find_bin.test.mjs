// Finding the right bin (mobile_forms/web/find_bin.js): the nearby radius grows with the fix,
// a mistyped code finds the registered one, and new codes are village + four digits.
// Run: node --test tests/js/
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  closestCodes, editDistance, isPoorFix, isVillageCode, nearbyRadiusM, newBinCode, plainCode, readAlike, sameCode,
} from '../../mobile_forms/web/find_bin.js';

const REGISTER = ['07-0427', '07-0428', '07-1234', '03-0427', 'NB-0001', 'NB-0002', 'NB-0301'];

test('the nearby radius is 30 m with a good fix and accuracy + 30 m with a poor one', () => {
  assert.equal(nearbyRadiusM(4), 34);
  assert.equal(nearbyRadiusM(0), 30);
  assert.equal(nearbyRadiusM(80), 110);
  assert.equal(nearbyRadiusM(12.2), 43); // whole metres, rounded up: never narrower
  assert.equal(nearbyRadiusM(undefined), 30);
  assert.equal(nearbyRadiusM(NaN), 30);
  assert.equal(nearbyRadiusM(-5), 30);
  assert.equal(nearbyRadiusM(80, 50), 130);
  assert.equal(nearbyRadiusM(5000), 2000); // the server's limit
});

test('edit distance counts a swap of neighbours as one edit', () => {
  assert.equal(editDistance('070472', '070427'), 1);
  assert.equal(editDistance('070427', '070427'), 0);
  assert.equal(editDistance('07427', '070427'), 1);
  assert.equal(editDistance('070427', '071234'), 4);
  assert.equal(editDistance('', 'ABC'), 3);
});

test('a code written differently is the same code', () => {
  assert.equal(plainCode(' 07 - ๐๔๒๗ '), '070427');
  assert.equal(sameCode('070427', REGISTER), '07-0427');
  assert.equal(sameCode('nb0001', REGISTER), 'NB-0001');
  assert.equal(sameCode('07-0472', REGISTER), null);
  assert.equal(sameCode('', REGISTER), null);
});

test('look-alike letters read as digits', () => {
  assert.equal(readAlike('O7-O4Z7'), '070427');
  assert.equal(readAlike('nb-ooo1'), 'N80001');
});

test('a swapped pair of digits offers the registered code', () => {
  assert.deepEqual(closestCodes('07-0472', REGISTER), ['07-0427']);
});

test('O for 0 and I for 1 offer the registered code first', () => {
  assert.deepEqual(closestCodes('O7-O427', REGISTER), ['07-0427', '03-0427', '07-0428']);
  assert.deepEqual(closestCodes('07-I234', REGISTER), ['07-1234']);
  assert.deepEqual(closestCodes('NB-OOOI', REGISTER), ['NB-0001', 'NB-0002', 'NB-0301']); // each one digit off
});

test('a code far from every registered one offers nothing', () => {
  assert.deepEqual(closestCodes('12-9999', REGISTER), []);
  assert.deepEqual(closestCodes('', REGISTER), []);
  assert.deepEqual(closestCodes('07-0427', []), []);
});

test('at most three codes are offered', () => {
  const many = ['01-0001', '01-0002', '01-0003', '01-0004', '01-0005'];
  assert.deepEqual(closestCodes('01-0000', many), ['01-0001', '01-0002', '01-0003']);
});

test('a new code is the village number, a dash and four digits, not one on the phone', () => {
  const draws = [427, 427, 1234, 9];
  const random = () => draws.shift();
  assert.equal(newBinCode(7, ['07-0427'], random), '07-1234');
  assert.equal(newBinCode(12, [], () => 9), '12-0009');
  assert.equal(newBinCode(3, [], () => 10427), '03-0427'); // four digits whatever the draw
});

test('a full run of clashes falls back to the first free number', () => {
  assert.equal(newBinCode(7, ['07-0000', '07-0005'], () => 5), '07-0001');
});

test('the new code shape', () => {
  assert.ok(isVillageCode('07-0427'));
  assert.ok(!isVillageCode('NB-0001'));
  assert.ok(!isVillageCode('7-0427'));
});

test('a fix worse than 10 m is poor', () => {
  assert.ok(!isPoorFix(4));
  assert.ok(!isPoorFix(10));
  assert.ok(isPoorFix(10.5));
  assert.ok(isPoorFix(80));
  assert.ok(isPoorFix(undefined));
});
