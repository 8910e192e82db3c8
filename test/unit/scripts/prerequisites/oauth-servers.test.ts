// findOAuthServers(): glewlwyd and sqlite3 found on PATH, or a reason naming what to install.
import { describe, expect, it } from 'vitest';
import { findOAuthServers } from '../../../../scripts/prerequisites/oauth-servers.js';

const machine = (files: readonly string[]) => ({ env: { PATH: '/usr/local/bin:/usr/bin' }, isExecutable: (path: string) => files.includes(path) });

describe('findOAuthServers()', () => {
  it('finds both on PATH', () => {
    expect(findOAuthServers(machine(['/usr/bin/glewlwyd', '/usr/bin/sqlite3']))).toEqual({ kind: 'found', glewlwyd: '/usr/bin/glewlwyd', sqlite3: '/usr/bin/sqlite3' });
  });

  it('names what is missing and the apt packages that supply it', () => {
    const found = findOAuthServers(machine(['/usr/bin/sqlite3']));
    expect(found).toMatchObject({ kind: 'missing', missing: ['glewlwyd'] });
    expect(found.kind === 'missing' ? found.reason : '').toContain('apt-get install -y --no-install-recommends glewlwyd sqlite3');
  });
});
