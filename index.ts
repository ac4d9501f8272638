export * from "./components";
export * as core from "./core";
