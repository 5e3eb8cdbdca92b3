/** `console:` of purser.yaml: the web console served at /console/. */
import { Type as T } from '@sinclair/typebox';

export const ConsoleSchema = T.Object(
  {
    session_idle_timeout: T.Optional(
      T.Integer({
        minimum: 2,
        maximum: 604_800,
        default: 1800,
        unit: 'seconds',
        description: 'A console session ends after this long without a request',
      }),
    ),
  },
  { additionalProperties: false, default: {}, description: 'The web console at /console/' },
);
