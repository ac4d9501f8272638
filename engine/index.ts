export type {
    AppliedRemediation,
    EnforcementLevel,
    PackResult,
    PolicyDescription,
    PolicyFramework,
    PolicySeverity,
    ProgramRun,
    RecordedInvoke,
    RecordedOptions,
    RecordedResource,
    SourcePosition,
    Violation,
} from "./types";
export { GateError } from "./errors";
export { loadProject, type ProjectSettings, type ProjectOptions } from "./project";
export { runProgram, type RunProgramOptions } from "./runProgram";
export { runPacks, type PackConfigSource, type RunPacksOptions, type PacksOutcome } from "./runPacks";
export { reconcile, readPolicyPackConfig, type PolicyPackConfigFile } from "./policyConfig";
export { readPinnedInvokes, PinnedInvokes } from "./pinnedInvokes";
export { newProject, listTemplates, type NewProjectOptions, type NewProject } from "./newProject";
export { buildReport, exitCodeFor, type Report, type ReportDocument } from "./report";
export { renderText } from "./render/text";
export { renderSarif } from "./render/sarif";
export { renderMarkdown } from "./render/markdown";
export {
    preview,
    renderReport,
    bundledPolicyPack,
    REPORT_FORMATS,
    type ReportFormat,
    type PreviewOptions,
    type PreviewResult,
} from "./preview";
export {
    audit,
    graphAuditSource,
    loadAliyunDir,
    loadAuditSource,
    loadStackExport,
    type AuditOptions,
    type AuditSource,
    type LoadedStack,
} from "./audit";
