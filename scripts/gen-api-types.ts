/**
 * Writes web/src/api/operations.gen.ts from the OpenAPI document of /api/v1.
 * Usage: npm run gen:api   (test/console/api-types.test.ts fails until it is regenerated)
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { API_TYPES_FILE, currentOpenApiDocument, renderApiTypes } from './api-types.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
writeFileSync(`${root}${API_TYPES_FILE}`, renderApiTypes(await currentOpenApiDocument()));
console.log(`gen-api: wrote ${API_TYPES_FILE}`);
