export * from "./catalog";
export * from "./read";
export * from "./network";
