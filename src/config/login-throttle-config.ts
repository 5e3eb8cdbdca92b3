/**
 * `login_throttle:` of purser.yaml: its schema (spread into schema.ts) and its reading into the
 * throttle's settings in milliseconds, with the schema's defaults for what the file leaves out.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  type LoginThrottleSettings,
  DEFAULT_LOGIN_THROTTLE as THROTTLE,
} from '../identity/login-throttle.ts';

const Seconds = (min: number, max: number, value: number, description: string) =>
  T.Integer({ minimum: min, maximum: max, default: value, unit: 'seconds', description });
const Count = (value: number, description: string) =>
  T.Integer({ minimum: 1, maximum: 1_000_000, default: value, description });

export const LoginThrottleSchema = T.Object(
  {
    free_failures: T.Optional(
      Count(
        THROTTLE.freeFailures,
        'Failed logins of one account from one client address before that pair has to wait',
      ),
    ),
    base_delay: T.Optional(
      Seconds(
        1,
        3_600,
        THROTTLE.baseDelayMs / 1000,
        'The first wait of a pair; each further failure doubles it',
      ),
    ),
    max_delay: T.Optional(Seconds(1, 86_400, THROTTLE.maxDelayMs / 1000, 'The longest wait of a pair')),
    address_failures: T.Optional(
      Count(
        THROTTLE.addressFailures,
        'Failed logins from one client address (any accounts) per address_window',
      ),
    ),
    address_window: T.Optional(
      Seconds(
        1,
        86_400,
        THROTTLE.addressWindowMs / 1000,
        'The window of address_failures; past the budget the address waits for its end',
      ),
    ),
    global_failures: T.Optional(
      Count(
        THROTTLE.globalFailures,
        'Failed logins from all addresses per global_window that open the circuit breaker (addresses that failed then wait; others are served)',
      ),
    ),
    global_window: T.Optional(
      Seconds(
        1,
        86_400,
        THROTTLE.globalWindowMs / 1000,
        'The window of global_failures, and how long the breaker stays open',
      ),
    ),
  },
  {
    additionalProperties: false,
    default: {},
    description:
      'Throttling of failed logins per (account, client address), per address and globally; see docs/security.md',
  },
);

export type WrittenLoginThrottle = Static<typeof LoginThrottleSchema>;

/** `login_throttle:` in milliseconds; the schema's defaults for what the file leaves out. */
export function loginThrottleSettings(written: WrittenLoginThrottle = {}): LoginThrottleSettings {
  const t = Value.Default(LoginThrottleSchema, Value.Clone(written)) as Required<WrittenLoginThrottle>;
  return {
    freeFailures: t.free_failures,
    baseDelayMs: t.base_delay * 1000,
    maxDelayMs: t.max_delay * 1000,
    addressFailures: t.address_failures,
    addressWindowMs: t.address_window * 1000,
    globalFailures: t.global_failures,
    globalWindowMs: t.global_window * 1000,
  };
}
