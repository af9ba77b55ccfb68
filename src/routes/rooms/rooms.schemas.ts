import { z } from "@hono/zod-openapi";

const Color = z
  .string()
  .regex(/^#[0-9A-Fa-f]{6}$/, "Must be #RRGGBB")
  .openapi({ example: "#3B5BDB" });

export const TokensSchema = z
  .strictObject({
    colors: z
      .strictObject({ primary: Color.optional(), secondary: Color.optional(), focus: Color.optional() })
      .optional(),
  })
  .openapi("ThemeTokens", { description: "A room's theme colours (`#RRGGBB`)." });

export const PaletteSchema = z.enum(["default", "grey", "purple", "burgund"]);
export const BackgroundThemeSchema = z.enum(["default", "mountains", "characters", "rocks"]);

export const RoomThemeSchema = z
  .object({
    tokens: z.object({
      colors: z.object({ primary: z.string(), secondary: z.string(), focus: z.string() }).partial().optional(),
    }),
    tokensPreset: z.enum(["custom", "default"]),
    logoUrl: z.string().nullable().openapi({ description: "Public URL of the logo, or null." }),
    roomBackground: z.object({ palette: PaletteSchema, theme: BackgroundThemeSchema }),
  })
  .openapi("RoomTheme", { description: "A room's theme: colours, logo and background." });

export const PutTokensBody = z
  .strictObject({
    tokens: TokensSchema.optional(),
    tokensPreset: z.enum(["custom", "default"]).optional(),
  })
  .openapi("PutThemeTokensRequest", { description: "Sets a room's colours, or resets them to the default preset." });

export const PutBackgroundBody = z
  .strictObject({ palette: PaletteSchema.optional(), theme: BackgroundThemeSchema.optional() })
  .openapi("PutRoomBackgroundRequest", { description: "Sets a room's background palette and theme." });

export const ResetLogoBody = z
  .strictObject({ theme: z.literal("default") })
  .openapi("ResetLogoRequest", { description: "Resets a room's logo to the default." });

export const LogoUploadBody = z
  .object({
    // Checked by the handler, which answers a missing file part and a wrong body type more precisely.
    image: z.any().optional().openapi({ type: "string", format: "binary", description: "PNG or JPEG, ≤ 600 kB." }),
  })
  .openapi("LogoUpload", { description: "A PNG or JPEG logo (≤ 600 kB), as multipart `image`." });

export const RoomNameParam = z.object({
  roomName: z
    .string()
    .min(1)
    .max(200)
    .openapi({
      param: { name: "roomName", in: "path" },
      description: "Room name without its leading slash.",
      example: "team-ab3xyz",
    }),
});
