// Specification: the data-file commands name the same files the core authenticates.
import { describe, expect, it } from 'vitest';
import { DATA_FILE_NAMES } from '../../../electron/cli/data-commands.js';
import { DATA_FILES } from '../../../electron/core/data-files.js';

describe('tokenry files accept', () => {
  it('offers exactly the data files the core authenticates (its list is kept apart so that listing commands loads no schema)', () => {
    expect([...DATA_FILE_NAMES]).toEqual(DATA_FILES.map((f) => `${f.name}.json`));
  });
});
