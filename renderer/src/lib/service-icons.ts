// The picture on each service's tile: the brand's mark from simple-icons (CC0-1.0, https://simpleicons.org;
// the marks stay their owners' trademarks, shown only to name the service), Microsoft's four squares drawn
// here (simple-icons no longer carries Microsoft's marks), and a monogram for services no icon set has.
import { siAuth0, siGithub, siGitlab, siGoogle, siKeycloak, siOkta, siOpenid, type SimpleIcon } from 'simple-icons';

export type ServiceIcon =
  /** One 24×24 path, drawn white on the brand's colour. */
  | { readonly kind: 'path'; readonly path: string; readonly color: string }
  /** Four coloured squares on a neutral ground. */
  | { readonly kind: 'squares'; readonly colors: readonly [string, string, string, string] }
  /** Up to two letters of the service's name on a neutral ground. */
  | { readonly kind: 'monogram'; readonly letters: string };

const mark = (icon: SimpleIcon): ServiceIcon => ({ kind: 'path', path: icon.path, color: `#${icon.hex}` });

/** By preset id; a preset not named here (a new one) gets a monogram. */
const ICONS: Readonly<Record<string, ServiceIcon>> = {
  github: mark(siGithub),
  google: mark(siGoogle),
  // Microsoft's logo colours, as on its brand pages.
  microsoft: { kind: 'squares', colors: ['#F25022', '#7FBA00', '#00A4EF', '#FFB900'] },
  gitlab: mark(siGitlab),
  keycloak: mark(siKeycloak),
  auth0: mark(siAuth0),
  okta: mark(siOkta),
  oidc: mark(siOpenid),
};

/** The first letters of the first two words of a label ("ER/Studio Team Server" -> "ES"). */
function monogram(label: string): string {
  const words = label.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
  return words
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');
}

export const serviceIcon = (id: string, label: string): ServiceIcon => ICONS[id] ?? { kind: 'monogram', letters: monogram(label) || '?' };
