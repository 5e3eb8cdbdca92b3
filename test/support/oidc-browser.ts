/**
 * A browser without a browser, for OIDC flows in tests: follows redirects by hand, keeps cookies
 * (a small jar: name → value; the provider sets path-scoped cookies on one host), and submits the
 * provider's forms (login, consent, device code confirmation) the way a person would.
 */
const MAX_STEPS = 30;

export interface Form {
  readonly action: URL;
  readonly fields: Record<string, string>;
}

export class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/;\s*expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export class BrowserlessUser {
  readonly jar = new CookieJar();
  /** Every URL visited, for assertions and failure messages. */
  readonly visited: string[] = [];

  constructor(
    /** The account to sign in as (the provider's dev login takes any password). */
    readonly login: string,
    private readonly issuer: string,
  ) {}

  /**
   * Starts at an authorization URL and signs in and consents until the provider redirects away
   * from itself; returns that redirect (the callback URL), without visiting it.
   */
  async authorize(url: URL): Promise<URL> {
    let response = await this.#request(url);
    for (let step = 0; step < MAX_STEPS; step++) {
      const location = response.headers.get('location');
      if (location) {
        const next = new URL(location, response.url || url);
        if (next.origin !== new URL(this.issuer).origin) return next;
        response = await this.#request(next);
        continue;
      }
      response = await this.#submit(await this.#form(response));
    }
    throw new Error(`no redirect back after ${MAX_STEPS} steps: ${this.visited.join(' → ')}`);
  }

  /** Opens the device verification URL (with the user code) and approves it, signing in. */
  async approveDevice(verificationUriComplete: string): Promise<void> {
    let response = await this.#request(new URL(verificationUriComplete));
    for (let step = 0; step < MAX_STEPS; step++) {
      const location = response.headers.get('location');
      if (location) {
        response = await this.#request(new URL(location, response.url));
        continue;
      }
      const html = await response.text();
      if (/Sign-in Success|successfully/i.test(html)) return;
      response = await this.#submit(this.#parseForm(html, response));
    }
    throw new Error(`device approval did not finish: ${this.visited.join(' → ')}`);
  }

  async #form(response: Response): Promise<Form> {
    return this.#parseForm(await response.text(), response);
  }

  #parseForm(html: string, response: Response): Form {
    const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
    if (!form)
      throw new Error(
        `expected a form at ${response.url} (${response.status}): ${html.replace(/<style>[\s\S]*?<\/style>/, '').slice(0, 1500)}`,
      );
    const action = attribute(form[1]!, 'action') ?? response.url;
    const fields: Record<string, string> = {};
    for (const input of form[2]!.matchAll(/<input\b([^>]*)>/gi)) {
      const name = attribute(input[1]!, 'name');
      if (name) fields[name] = attribute(input[1]!, 'value') ?? '';
    }
    if (fields.prompt === 'login') {
      fields.login = this.login;
      fields.password = 'any password: the dev interaction does not check it';
    }
    return { action: new URL(action, response.url), fields };
  }

  #submit(form: Form): Promise<Response> {
    return this.#request(form.action, new URLSearchParams(form.fields));
  }

  async #request(url: URL, body?: URLSearchParams): Promise<Response> {
    this.visited.push(`${body ? 'POST' : 'GET'} ${url.pathname}`);
    const response = await fetch(url, {
      method: body ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: this.jar.header(),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(body ? { body } : {}),
    });
    this.jar.store(response);
    // fetch leaves response.url empty for manual redirects on some versions: remember it.
    Object.defineProperty(response, 'url', { value: url.href });
    return response;
  }
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(tag);
  return match ? unescapeHtml(match[1]!) : undefined;
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
