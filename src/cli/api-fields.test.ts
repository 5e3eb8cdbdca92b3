import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { BadRequest } from '../domain/errors.ts';
import { inCliTerms, precheck } from './api-fields.ts';

const NAME = Type.String({ pattern: '^[a-z]+$', hint: 'use lower-case letters' });

describe('API validation in the CLI terms', () => {
  test('mapped paths become the flag and the value given', () => {
    const call = {
      body: { service: 'https://x', groups: ['ok', 'Bad Group'] },
      fields: { 'body.service': 'SERVICE', 'body.groups': '--group' },
    };
    assert.equal(
      inCliTerms('invalid request: body.service: letters only; body.groups.1: no spaces', call),
      'SERVICE "https://x": letters only; --group "Bad Group": no spaces',
    );
  });

  test('a rule that itself contains "; " stays one problem', () => {
    const call = { body: {}, fields: { 'body.secret': { flag: 'the secret', secret: true } } };
    assert.equal(
      inCliTerms('invalid request: body.secret: at least 16 characters; omit it to get one', call),
      'the secret: at least 16 characters; omit it to get one',
    );
  });

  test('query parameters, missing values and TypeBox wording', () => {
    const call = { query: { scope: undefined }, fields: { 'querystring.scope': '--scope' } };
    assert.equal(
      inCliTerms(
        'invalid request: querystring.scope: expected required property; querystring.scope: expected union value',
        call,
      ),
      '--scope: is required; --scope: not one of the accepted values',
    );
  });

  test('unmapped problems keep the API wording; other messages pass through', () => {
    const call = { body: { a: 1 }, fields: { 'body.a': '--a' } };
    assert.equal(
      inCliTerms('invalid request: body.a: bad; body.b: worse', call),
      'invalid request: --a 1: bad; body.b: worse',
    );
    assert.equal(inCliTerms('must not be all digits', call), 'must not be all digits');
  });

  test('precheck refuses a value breaking a known rule before any call, and never echoes a secret', () => {
    assert.throws(
      () => precheck({ body: { name: 'Bob' }, fields: { 'body.name': { flag: 'NAME', rule: NAME } } }),
      (error: unknown) =>
        error instanceof BadRequest && error.message === 'NAME "Bob": use lower-case letters',
    );
    assert.throws(
      () =>
        precheck({
          body: { password: 'Hunter2' },
          fields: { 'body.password': { flag: 'the password', rule: NAME, secret: true } },
        }),
      (error: unknown) =>
        error instanceof BadRequest &&
        !error.message.includes('Hunter2') &&
        /^the password: /.test(error.message),
    );
    precheck({
      body: { name: 'bob', groups: ['a', 'b'] },
      fields: { 'body.name': { flag: 'NAME', rule: NAME } },
    });
    assert.throws(
      () =>
        precheck({
          body: { groups: ['ok', 'NO'] },
          fields: { 'body.groups': { flag: '--group', rule: NAME } },
        }),
      /--group "NO"/,
    );
  });
});
