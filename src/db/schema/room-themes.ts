import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export interface ThemeTokens {
  colors?: { primary?: string; secondary?: string; focus?: string };
}
export interface RoomBackground {
  palette: "default" | "grey" | "purple" | "burgund";
  theme: "default" | "mountains" | "characters" | "rocks";
}

/** Per-room theming; lives exactly as long as the room's meeting. */
export const roomThemes = sqliteTable(
  "room_themes",
  {
    orgId: text("org_id").notNull(),
    roomName: text("room_name").notNull(),
    tokens: text("tokens", { mode: "json" }).$type<ThemeTokens>(),
    tokensPreset: text("tokens_preset").$type<"custom" | "default">(),
    logoId: text("logo_id"),
    roomBackground: text("room_background", { mode: "json" }).$type<RoomBackground>(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.roomName] })],
);

export type RoomThemeRow = typeof roomThemes.$inferSelect;
