export * from "./api-keys";
export * from "./events";
export * from "./meetings";
export * from "./organizations";
export * from "./recordings";
export * from "./room-themes";
export * from "./transcriptions";
export * from "./webhooks";
