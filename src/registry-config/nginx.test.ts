import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderNginxServerBlock } from './nginx.ts';
import { notificationsEndpointUrl, notificationsFragment } from './notifications.ts';

test('nginx block: registry upstream, search routed to Purser, big headers, no body limit', () => {
  const text = renderNginxServerBlock({
    service: 'registry.test',
    registryUrl: 'http://127.0.0.1:5000/',
    purserUrl: 'http://127.0.0.1:5001',
    listen: '127.0.0.1:8080',
  });
  assert.match(text, /listen 127\.0\.0\.1:8080;/);
  assert.doesNotMatch(text, /ssl/);
  assert.match(text, /client_max_body_size 0;/);
  assert.match(text, /large_client_header_buffers 8 64k;/);
  assert.match(text, /proxy_request_buffering off;/);
  for (const path of ['/v1/_ping', '/v1/search', '/v2/search']) {
    assert.match(
      text,
      new RegExp(
        `location = ${path.replace(/\//g, '\\/')} \\{\\n\\s+proxy_pass http://127\\.0\\.0\\.1:5001${path.replace(/\//g, '\\/')}\\$is_args\\$args;`,
      ),
    );
  }
  assert.match(text, /proxy_set_header X-Purser-Service "registry\.test";/);
  assert.match(text, /location \/ \{\n\s+proxy_pass http:\/\/127\.0\.0\.1:5000;/);
  assert.match(text, /proxy_set_header Host \$http_host;/);
  // balanced braces
  assert.equal((text.match(/\{/g) ?? []).length, (text.match(/\}/g) ?? []).length);
});

test('nginx block with TLS', () => {
  const text = renderNginxServerBlock({
    service: 'r',
    registryUrl: 'http://127.0.0.1:5000',
    purserUrl: 'https://purser.example.com',
    tlsCertificate: '/etc/ssl/r.crt',
    tlsKey: '/etc/ssl/r.key',
    serverName: 'registry.example.com',
  });
  assert.match(text, /listen 443 ssl;/);
  assert.match(text, /ssl_certificate "\/etc\/ssl\/r\.crt";/);
  assert.match(text, /ssl_certificate_key "\/etc\/ssl\/r\.key";/);
  assert.match(text, /server_name registry\.example\.com;/);
  assert.match(text, /proxy_pass https:\/\/purser\.example\.com\/v1\/search/);
});

test('nginx block refuses values that would inject directives', () => {
  assert.throws(
    () => renderNginxServerBlock({ service: 'x"; evil', registryUrl: 'http://a', purserUrl: 'http://b' }),
    TypeError,
  );
  assert.throws(
    () => renderNginxServerBlock({ service: 'x', registryUrl: 'not a url', purserUrl: 'http://b' }),
    TypeError,
  );
  assert.throws(
    () =>
      renderNginxServerBlock({
        service: 'x',
        registryUrl: 'http://a',
        purserUrl: 'http://b',
        serverName: 'a;b',
      }),
    TypeError,
  );
  assert.throws(
    () =>
      renderNginxServerBlock({
        service: 'x',
        registryUrl: 'http://a',
        purserUrl: 'http://b',
        tlsCertificate: '/c',
      }),
    TypeError,
  );
});

test('notifications fragment for the Distribution config', () => {
  const fragment = notificationsFragment({
    service: 'registry.test',
    publicUrl: 'http://127.0.0.1:5001/',
    secret: 's3cret',
  });
  assert.deepEqual(fragment.storage, { delete: { enabled: true } });
  const endpoints = (
    fragment.notifications as { endpoints: { url: string; headers: Record<string, string[]> }[] }
  ).endpoints;
  assert.equal(endpoints[0]!.url, 'http://127.0.0.1:5001/notifications/registry.test');
  assert.deepEqual(endpoints[0]!.headers, { 'X-Purser-Notify-Secret': ['s3cret'] });
  assert.equal(
    notificationsEndpointUrl('https://p.example/base', 'a b'),
    'https://p.example/base/notifications/a%20b',
  );
});
