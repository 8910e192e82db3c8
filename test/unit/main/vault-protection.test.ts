// Specifies how the desktop app chooses the vault's protection: safeStorage only where it really protects.

import { describe, expect, it, vi } from 'vitest';
import {
  classifySafeStorage,
  envPassphraseApplies,
  newPassphraseProblem,
  planProtection,
  UNAVAILABLE_WARNING,
  WEAK_BACKEND_WARNING,
  type SafeStorageStrength,
} from '../../../electron/main/vault-protection.js';

const STRONG: SafeStorageStrength = { kind: 'strong', backend: 'gnome_libsecret' };
const WEAK: SafeStorageStrength = { kind: 'weak', backend: 'basic_text' };
const NONE: SafeStorageStrength = { kind: 'unavailable' };
const DIR = '/home/ada/.config/Tokenry';

describe('classifySafeStorage', () => {
  it('calls basic_text on Linux weak and a keyring backend strong', () => {
    expect(classifySafeStorage(true, 'linux', () => 'basic_text')).toEqual(WEAK);
    expect(classifySafeStorage(true, 'linux', () => 'gnome_libsecret')).toEqual(STRONG);
    expect(classifySafeStorage(true, 'linux', () => 'kwallet6')).toEqual({ kind: 'strong', backend: 'kwallet6' });
  });

  it('trusts macOS and Windows when available, and never asks them for a backend', () => {
    const backend = vi.fn(() => 'basic_text');
    expect(classifySafeStorage(true, 'darwin', backend)).toEqual({ kind: 'strong', backend: 'os' });
    expect(classifySafeStorage(true, 'win32', backend)).toEqual({ kind: 'strong', backend: 'os' });
    expect(backend).not.toHaveBeenCalled();
  });

  it('is unavailable when safeStorage says so', () => {
    expect(classifySafeStorage(false, 'linux', () => 'gnome_libsecret')).toEqual(NONE);
  });
});

describe('envPassphraseApplies', () => {
  it('applies to a new vault or one with a passphrase record', () => {
    expect(envPassphraseApplies('s3cret', null)).toBe(true);
    expect(envPassphraseApplies('s3cret', ['safe-storage', 'passphrase'])).toBe(true);
  });

  it('does not apply when unset, empty, or the vault has no passphrase record', () => {
    expect(envPassphraseApplies(undefined, null)).toBe(false);
    expect(envPassphraseApplies('', null)).toBe(false);
    expect(envPassphraseApplies('s3cret', ['safe-storage'])).toBe(false);
    expect(envPassphraseApplies('s3cret', ['keyring'])).toBe(false);
  });
});

describe('planProtection', () => {
  it('protects a new vault with safeStorage only where it is strong', () => {
    expect(planProtection(null, STRONG, DIR)).toEqual({ kind: 'safe-storage' });
  });

  it('asks for a new passphrase on Linux without a keyring, and says why', () => {
    expect(planProtection(null, WEAK, DIR)).toEqual({ kind: 'ask-passphrase', creating: true, warning: WEAK_BACKEND_WARNING });
    expect(WEAK_BACKEND_WARNING).toContain('basic_text');
    expect(planProtection(null, NONE, DIR)).toEqual({ kind: 'ask-passphrase', creating: true, warning: UNAVAILABLE_WARNING });
  });

  it('opens an existing vault the way it is protected', () => {
    expect(planProtection(['safe-storage'], STRONG, DIR)).toEqual({ kind: 'safe-storage' });
    expect(planProtection(['keyring'], STRONG, DIR)).toEqual({ kind: 'keyring' });
    expect(planProtection(['passphrase'], STRONG, DIR)).toEqual({ kind: 'ask-passphrase', creating: false, warning: null });
    expect(planProtection(['safe-storage', 'passphrase'], WEAK, DIR)).toEqual({ kind: 'ask-passphrase', creating: false, warning: WEAK_BACKEND_WARNING });
  });

  it('refuses to pretend when only safeStorage could open the vault and it is not usable', () => {
    const weak = planProtection(['safe-storage'], WEAK, DIR);
    expect(weak.kind).toBe('impossible');
    expect(weak.kind === 'impossible' && weak.message).toMatch(/keyring/i);
    expect(weak.kind === 'impossible' && weak.message).toContain(DIR);
    expect(planProtection(['safe-storage'], NONE, DIR).kind).toBe('impossible');
  });
});

describe('newPassphraseProblem', () => {
  it('wants a non-empty passphrase of 8 characters or more, typed the same twice', () => {
    expect(newPassphraseProblem('', '')).toBe('Choose a passphrase.');
    expect(newPassphraseProblem('short', 'short')).toBe('Use at least 8 characters.');
    expect(newPassphraseProblem('long enough', 'long enougH')).toBe('The two passphrases differ.');
    expect(newPassphraseProblem('long enough', 'long enough')).toBeNull();
    expect(newPassphraseProblem('🔑🔑🔑🔑🔑🔑🔑🔑', '🔑🔑🔑🔑🔑🔑🔑🔑')).toBeNull();
  });
});
