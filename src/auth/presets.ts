import { z } from 'zod';
import { assertNever } from '../../common/assert-never.js';

// What is known about each supported identity provider, so an administrator only gives the part
// that differs per company (region, tenant, domain, realm). Checked facts and open questions are
// listed in docs/ARCHITECTURE.md ("Presets").

/** Genesys Cloud login domains by AWS region (login.<domain>/oauth/authorize and /oauth/token). */
export const GENESYS_CLOUD_REGIONS = {
  'us-east-1': 'mypurecloud.com',
  'us-east-2': 'use2.us-gov-pure.cloud',
  'us-west-2': 'usw2.pure.cloud',
  'ca-central-1': 'cac1.pure.cloud',
  'sa-east-1': 'sae1.pure.cloud',
  'mx-central-1': 'mxc1.pure.cloud',
  'eu-west-1': 'mypurecloud.ie',
  'eu-west-2': 'euw2.pure.cloud',
  'eu-central-1': 'mypurecloud.de',
  'eu-central-2': 'euc2.pure.cloud',
  'me-central-1': 'mec1.pure.cloud',
  'ap-south-1': 'aps1.pure.cloud',
  'ap-southeast-1': 'apse1.pure.cloud',
  'ap-southeast-2': 'mypurecloud.com.au',
  'ap-northeast-1': 'mypurecloud.jp',
  'ap-northeast-2': 'apne2.pure.cloud',
  'ap-northeast-3': 'apne3.pure.cloud',
} as const;

export type GenesysCloudRegion = keyof typeof GENESYS_CLOUD_REGIONS;

const GENESYS_DOMAINS: ReadonlySet<string> = new Set(Object.values(GENESYS_CLOUD_REGIONS));

// A DNS name: labels of letters, digits and hyphens, at least one dot, no scheme or path.
const hostname = z
  .string()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a host name such as example.okta.com, without https:// or a path');

const genesysRegion = z
  .string()
  .refine(
    (value) => Object.hasOwn(GENESYS_CLOUD_REGIONS, value) || GENESYS_DOMAINS.has(value),
    `must be a Genesys Cloud region (${Object.keys(GENESYS_CLOUD_REGIONS).join(', ')}) or its domain (e.g. mypurecloud.ie)`,
  );

// Entra's multi-tenant aliases publish an issuer template ({tenantid}) that no discovery check
// can match, so a desktop client has to name its tenant.
const entraTenant = z
  .string()
  .regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a tenant ID (GUID) or a verified domain')
  .refine((t) => !['common', 'organizations', 'consumers'].includes(t.toLowerCase()), 'must be your tenant ID or domain: common, organizations and consumers publish no fixed issuer');

const httpsUrl = z.url({ protocol: /^https$/, message: 'must be an https:// URL' });

export const presetSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('genesys-cloud'), region: genesysRegion }).strict(),
  z.object({ type: z.literal('entra-id'), tenant: entraTenant }).strict(),
  z.object({ type: z.literal('auth0'), domain: hostname, audience: z.string().min(1).optional() }).strict(),
  z.object({ type: z.literal('okta'), domain: hostname, authorization_server: z.string().regex(/^[A-Za-z0-9]{1,64}$/).optional() }).strict(),
  z.object({ type: z.literal('keycloak'), realm_url: httpsUrl.refine((u) => /\/realms\/[^/]+\/?$/.test(new URL(u).pathname), 'must end in /realms/<realm>') }).strict(),
  z.object({ type: z.literal('google') }).strict(),
]);

export type Preset = z.infer<typeof presetSchema>;

/** Explicit endpoints for providers that publish no discovery document. */
export interface ExplicitEndpoints {
  readonly issuer: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly revocationUrl?: string;
  readonly endSessionUrl?: string;
  readonly jwksUri?: string;
  /** A JSON resource, read with the access token, whose `name` and `email` fields name the agent. */
  readonly profileUrl?: string;
}

/** What a preset fills in; the providers file may still override scopes and the redirect mode. */
export interface PresetExpansion {
  readonly server: { readonly kind: 'discovery'; readonly issuer: string } | ({ readonly kind: 'explicit' } & ExplicitEndpoints);
  readonly scopes: readonly string[];
  readonly redirectMode?: 'loopback';
  readonly authorizationParams: Readonly<Record<string, string>>;
  /** The provider's desktop clients come with a client_secret that is not secret (Google). */
  readonly expectsClientSecret: boolean;
}

const OIDC_SCOPES = ['openid', 'email', 'profile', 'offline_access'] as const;

function genesysDomain(region: string): string {
  return Object.hasOwn(GENESYS_CLOUD_REGIONS, region) ? GENESYS_CLOUD_REGIONS[region as GenesysCloudRegion] : region;
}

export function expandPreset(preset: Preset): PresetExpansion {
  switch (preset.type) {
    case 'genesys-cloud': {
      // No OIDC discovery and no ID token: OAuth 2.0 code grant with PKCE on login.<domain>;
      // the agent's name and email come from the Platform API's users/me.
      const domain = genesysDomain(preset.region);
      return {
        server: {
          kind: 'explicit',
          issuer: `https://login.${domain}`,
          authorizeUrl: `https://login.${domain}/oauth/authorize`,
          tokenUrl: `https://login.${domain}/oauth/token`,
          endSessionUrl: `https://login.${domain}/logout`,
          profileUrl: `https://api.${domain}/api/v2/users/me`,
        },
        scopes: [],
        authorizationParams: {},
        expectsClientSecret: false,
      };
    }
    case 'entra-id':
      return {
        server: { kind: 'discovery', issuer: `https://login.microsoftonline.com/${preset.tenant}/v2.0` },
        scopes: OIDC_SCOPES,
        authorizationParams: {},
        expectsClientSecret: false,
      };
    case 'auth0':
      return {
        // Auth0's issuer identifier ends with a slash; discovery compares it exactly.
        server: { kind: 'discovery', issuer: `https://${preset.domain}/` },
        scopes: OIDC_SCOPES,
        authorizationParams: preset.audience ? { audience: preset.audience } : {},
        expectsClientSecret: false,
      };
    case 'okta':
      return {
        server: {
          kind: 'discovery',
          issuer: preset.authorization_server ? `https://${preset.domain}/oauth2/${preset.authorization_server}` : `https://${preset.domain}`,
        },
        scopes: OIDC_SCOPES,
        authorizationParams: {},
        expectsClientSecret: false,
      };
    case 'keycloak':
      return {
        server: { kind: 'discovery', issuer: preset.realm_url.replace(/\/$/, '') },
        scopes: OIDC_SCOPES,
        authorizationParams: {},
        expectsClientSecret: false,
      };
    case 'google':
      // Google desktop clients: loopback redirect only, a client_secret that is not secret, and
      // refresh tokens through access_type=offline (Google does not know the offline_access scope).
      return {
        server: { kind: 'discovery', issuer: 'https://accounts.google.com' },
        scopes: ['openid', 'email', 'profile'],
        redirectMode: 'loopback',
        authorizationParams: { access_type: 'offline' },
        expectsClientSecret: true,
      };
    default:
      return assertNever(preset, 'preset');
  }
}
