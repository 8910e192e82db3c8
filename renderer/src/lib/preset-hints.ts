// What the preset summaries do not (yet) carry: each preset's fixed extra parameters and whether it
// sends a scope at all. Kept to the five documented dialects; everything else is editable by hand.

export interface ExtraParamHint {
  readonly name: string;
  readonly label: string;
  readonly options: readonly string[];
  readonly value: string;
}

export interface PresetHint {
  /** The preset sends no scope parameter, so asking for one would do nothing. */
  readonly noScope?: boolean;
  /** The client id the preset uses when none is given. */
  readonly defaultClientId?: string;
  readonly extraParams?: readonly ExtraParamHint[];
}

export const PRESET_HINTS: Readonly<Record<string, PresetHint>> = {
  sugarcrm: {
    noScope: true,
    defaultClientId: 'sugar',
    extraParams: [{ name: 'platform', label: 'Platform', options: ['base', 'mobile', 'portal'], value: 'base' }],
  },
  teamserver: { noScope: true },
};

export const hintFor = (providerId: string): PresetHint => PRESET_HINTS[providerId] ?? {};
