// Plays the agent's system browser: follows redirects by hand with a cookie jar, fills and submits
// the provider's forms, and stops at the first redirect to the app's redirect URI (which a real
// browser would hand to the OS or to the loopback listener).

export interface BrowseOptions {
  /** Form fields to fill by name (e.g. login, password). Other fields keep their values. */
  readonly fill?: Readonly<Record<string, string>>;
  /** True for the URL at which the browser hands over to the app. */
  readonly isAppRedirect: (url: string) => boolean;
  /** Follow a link whose text matches, instead of submitting the form (e.g. /Cancel/). */
  readonly clickLink?: RegExp;
  /** End at the first page without a form (returns its URL) instead of failing there. */
  readonly stopAtPage?: boolean;
}

const MAX_STEPS = 25;

export class TestBrowser {
  readonly #cookies = new Map<string, string>();
  /** Every page and redirect target the browser saw, for assertions and debugging. */
  readonly visited: string[] = [];
  /** The page a `stopAtPage` browse ended on. */
  lastPage = '';

  /** Goes from the authorization URL to the app redirect; returns that redirect URL. */
  async authorize(startUrl: string, options: BrowseOptions): Promise<string> {
    let request: { url: string; method: 'GET' | 'POST'; body?: URLSearchParams } = { url: startUrl, method: 'GET' };
    for (let step = 0; step < MAX_STEPS; step += 1) {
      this.visited.push(request.url);
      const response = await fetch(request.url, {
        method: request.method,
        redirect: 'manual',
        headers: { cookie: this.#cookieHeader(), ...(request.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(request.body ? { body: request.body.toString() } : {}),
      });
      this.#storeCookies(response.headers.getSetCookie());
      if (response.status >= 300 && response.status < 400) {
        await response.arrayBuffer();
        const location = response.headers.get('location');
        if (!location) throw new Error(`redirect without Location from ${request.url}`);
        const next = new URL(location, request.url).href;
        if (options.isAppRedirect(next)) return next;
        request = { url: next, method: 'GET' };
        continue;
      }
      const page = await response.text();
      if (options.clickLink) {
        const link = [...page.matchAll(/<a\s+href="([^"]+)"[^>]*>([^<]*)<\/a>/g)].find((m) => options.clickLink!.test(m[2] ?? ''));
        if (link) {
          request = { url: new URL(decodeEntities(link[1]!), request.url).href, method: 'GET' };
          continue;
        }
      }
      const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(page) ?? /<form[^>]*>([\s\S]*?)<\/form>/i.exec(page);
      if (!form && options.stopAtPage) {
        this.lastPage = page;
        return request.url;
      }
      if (!form) throw new Error(`no form and no redirect at ${request.url} (HTTP ${response.status}): ${page.slice(0, 300)}`);
      const action = form.length === 3 ? decodeEntities(form[1]!) : request.url;
      const inner = form[form.length - 1]!;
      const body = new URLSearchParams();
      for (const input of inner.matchAll(/<input\b([^>]*)>/gi)) {
        const name = /\bname="([^"]*)"/.exec(input[1]!)?.[1];
        if (!name) continue;
        const value = options.fill?.[name] ?? decodeEntities(/\bvalue="([^"]*)"/.exec(input[1]!)?.[1] ?? '');
        body.set(name, value);
      }
      request = { url: new URL(action, request.url).href, method: 'POST', body };
    }
    throw new Error(`no app redirect after ${MAX_STEPS} steps: ${this.visited.join(' -> ')}`);
  }

  #cookieHeader(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #storeCookies(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()) || attrs.some((a) => /^\s*max-age=0/i.test(a));
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
}

function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x2F;/gi, '/').replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));
}
