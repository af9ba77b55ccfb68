import { getTableColumns, getTableName, is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema";
import { NON_TENANT_TABLES, orgR2Prefixes, TENANT_TABLES } from "../../src/db/tenants";
import * as keys from "../../src/storage/keys";
import { newRoomLogoId, orgStoragePrefixes, recordingKey, roomLogoKey } from "../../src/storage/keys";

const schemaTables = (Object.values(schema) as unknown[]).filter((value): value is SQLiteTable =>
  is(value, SQLiteTable),
);

describe("tenant data registry", () => {
  it("lists every table of db/schema as tenant data or as explicitly not", () => {
    const registered = new Set([...TENANT_TABLES.map((t) => t.table), ...NON_TENANT_TABLES]);
    const missing = schemaTables.filter((table) => !registered.has(table)).map((table) => getTableName(table));
    expect(missing).toEqual([]);
    expect(schemaTables.length).toBeGreaterThanOrEqual(8);
  });

  it("gives every tenant table a required organization column of its own", () => {
    const problems = TENANT_TABLES.flatMap(({ table, orgColumn }) => {
      const own = Object.values(getTableColumns(table)).includes(orgColumn as never);
      if (!own) return [`${getTableName(table)}: its org column is another table's`];
      return orgColumn.name === "org_id" && orgColumn.notNull
        ? []
        : [`${getTableName(table)}: org column not org_id NOT NULL`];
    });
    expect(problems).toEqual([]);
    expect(new Set(TENANT_TABLES.map((t) => t.table)).size).toBe(TENANT_TABLES.length);
  });

  it("stores every new object under one of the organization's R2 prefixes", () => {
    const prefixes = orgR2Prefixes("org_A");
    const keys = [recordingKey("org_A", "rec_1"), roomLogoKey(newRoomLogoId("org_A", "upl_1"))];
    for (const key of keys)
      expect(
        prefixes.some((p) => key.startsWith(p)),
        key,
      ).toBe(true);
    for (const key of keys)
      expect(
        orgR2Prefixes("org_B").some((p) => key.startsWith(p)),
        key,
      ).toBe(false);
  });

  it("builds every R2 key under one of the organization's prefixes (a new key builder must be listed here)", () => {
    // One call per exported function of storage/keys.ts that builds a key, for organization org_A.
    const built: Record<string, string> = {
      recordingKey: keys.recordingKey("org_A", "rec_1"),
      roomLogoKey: keys.roomLogoKey(keys.newRoomLogoId("org_A", "upl_1")),
      exportKey: keys.exportKey("org_A", "exp_1"),
    };
    const builders = Object.entries(keys)
      .filter(([name, value]) => typeof value === "function" && name.endsWith("Key"))
      .map(([name]) => name);
    expect(Object.keys(built).sort()).toEqual(builders.sort());
    const outside = Object.entries(built).filter(
      ([, key]) => !orgStoragePrefixes("org_A").some((prefix) => key.startsWith(prefix)),
    );
    expect(outside).toEqual([]);
  });

  it("keeps a logo stored before logos moved under the organization at its old key", () => {
    expect(roomLogoKey("upl_legacy")).toBe("room-logos/upl_legacy");
  });
});
