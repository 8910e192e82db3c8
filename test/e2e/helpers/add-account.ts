// The add dialog's first step: choosing a service from the picker by the name on its tile.
import type { Locator } from 'playwright-core';

/** Clicks the service's tile in an open "Add account" dialog; the form for it follows. */
export async function chooseService(add: Locator, label: string): Promise<void> {
  await add.getByRole('list', { name: 'Services' }).getByRole('button', { name: label, exact: true }).click();
  await add.locator('form').waitFor();
}
