// Loopback clients and the audit log of what they asked for, kept live by the core's audit events. A new client's key is returned to the
// caller, shown once, and never kept here.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { AuditRow, ClientView, ErrorValue } from '../lib/types.js';

export const AUDIT_ROWS = 100;

export const useClientsStore = defineStore('clients', () => {
  const clients = shallowRef<readonly ClientView[]>([]);
  const audit = shallowRef<readonly AuditRow[]>([]);
  const loaded = ref(false);
  const auditLoaded = ref(false);
  const loadError = shallowRef<ErrorValue | null>(null);
  const auditError = shallowRef<ErrorValue | null>(null);

  async function load(): Promise<void> {
    const result = await window.tokenry.clients();
    if (result.ok) {
      clients.value = result.value;
      loadError.value = null;
      loaded.value = true;
    } else {
      loadError.value = result.error;
    }
  }

  async function loadAudit(limit = AUDIT_ROWS): Promise<void> {
    const result = await window.tokenry.audit(limit);
    if (result.ok) {
      audit.value = result.value;
      auditError.value = null;
      auditLoaded.value = true;
    } else {
      auditError.value = result.error;
    }
  }

  let listening = false;
  let clientsReload: ReturnType<typeof setTimeout> | null = null;
  /**
   * Takes the audit rows the core pushes as loopback requests happen (newest last on the wire, newest
   * first here), and reloads the clients once per burst for their "last used".
   */
  function listen(): void {
    if (listening) return;
    listening = true;
    window.tokenry.onAuditAppended((rows) => {
      if (!auditLoaded.value) return;
      audit.value = [...[...rows].reverse(), ...audit.value].slice(0, AUDIT_ROWS);
      if (clientsReload === null) {
        clientsReload = setTimeout(() => {
          clientsReload = null;
          void load();
        }, 1000);
      }
    });
  }

  async function add(name: string, accounts: string[]) {
    const result = await window.tokenry.addClient(name, accounts);
    if (result.ok) clients.value = [...clients.value.filter((c) => c.name !== name), result.value.client];
    return result;
  }

  async function remove(name: string) {
    const result = await window.tokenry.removeClient(name);
    if (result.ok) clients.value = clients.value.filter((c) => c.name !== name);
    return result;
  }

  return { clients, audit, loaded, auditLoaded, loadError, auditError, load, loadAudit, listen, add, remove };
});
