import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CATALOG, type CatalogEntry } from '#shared/playbook/catalog.ts';
import { DrillError } from './errors.ts';

/** The playbook's handler module. */
export function handlerPath(entry: CatalogEntry): string {
  const url = new URL(
    `../../functions/${entry.functionDir}/handler.ts`,
    import.meta.url,
  );
  return fileURLToPath(url);
}

/** Alert names whose playbook function exists. */
export function drillable(): string[] {
  return CATALOG.filter((e) => existsSync(handlerPath(e))).map(
    (e) => e.alertname,
  );
}

/** The catalog entry of a drillable alert, or a DrillError saying why not. */
export function drillEntry(alertName: string): CatalogEntry {
  const can = drillable();
  const entry = CATALOG.find((e) => e.alertname === alertName);
  if (entry && can.includes(alertName)) return entry;

  const lower = alertName.toLowerCase();
  const near = CATALOG.find((e) => e.alertname.toLowerCase() === lower);
  const hint = near ? ` (did you mean ${near.alertname}?)` : '';
  const why = entry
    ? `the ${alertName} playbook is not built yet`
    : `no playbook for ${alertName}${hint}`;
  throw new DrillError(`${why}; drillable: ${can.join(', ')}`);
}
