// Public API: re-exports only. Imports flow core -> components -> platform.
export * from "./core/errors";
export * from "./core/names";
export * from "./core/defaults";
export * from "./core/versions";
export * from "./core/connection";
export * from "./core/target";
export * from "./core/profile";
export * from "./core/mirror";
export * from "./core/placement";
export * from "./core/platform-stack";
export * from "./core/context";
export * from "./core/helm-chart";
export * from "./core/custom-resource";
export * from "./core/secure-namespace";
export * from "./workloads/team";
export * from "./workloads/microservice";
export * from "./platform/microservice-platform";
