import { createRouter } from "../../lib/openapi";
import { getTheme, putBackground, putLogo, putTokens } from "./rooms.handlers";
import { getThemeRoute, putBackgroundRoute, putLogoRoute, putTokensRoute } from "./rooms.routes";

export const roomsRouter = createRouter()
  .openapi(getThemeRoute, getTheme)
  .openapi(putTokensRoute, putTokens)
  .openapi(putLogoRoute, putLogo)
  .openapi(putBackgroundRoute, putBackground);
