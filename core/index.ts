export * from "./problems";
export * from "./limits";
export * from "./ports";
export * from "./cidr";
export * from "./rule";
export * from "./presets";
