export * from "./api-keys";
export * from "./events";
export * from "./meetings";
export * from "./organizations";
export * from "./room-themes";
