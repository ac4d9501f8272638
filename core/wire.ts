/**
 * The Pulumi wire encoding's constants, in one leaf module (as the SDK's `runtime/sigs.ts`): the signatures of
 * special values and the sentinels that stand for unknown values. Everything that reads or writes the wire form
 * — core's property reading, the gate's engine — takes them from here.
 */

/**
 * The key of every special value: secrets, resource references, assets, archives, output values.
 * @internal
 */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/**
 * A secret: `{ [SIG_KEY]: SECRET_SIG, value }`.
 * @internal
 */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/**
 * A reference to a resource: `{ [SIG_KEY]: RESOURCE_REF_SIG, urn, id? }`.
 * @internal
 */
export const RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
/**
 * An Output passed as a value: `{ [SIG_KEY]: OUTPUT_VALUE_SIG, value?, secret?, dependencies? }`.
 * @internal
 */
export const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/**
 * The string the engine sends for a value it cannot know during a preview.
 * @internal
 */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The sentinels `@pulumi/policy` (proxy.js) uses for unknown booleans, numbers, strings, arrays, assets,
 * archives and objects. The string one is the engine's own {@link UNKNOWN_SENTINEL}.
 * @internal
 */
export const UNKNOWN_SENTINELS: readonly string[] = [
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    UNKNOWN_SENTINEL,
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
];

/**
 * How reports and messages show a value not known before deployment.
 * @internal
 */
export const UNKNOWN_LABEL = "[unknown]";
/**
 * How reports and messages show a secret value: never the value itself.
 * @internal
 */
export const SECRET_LABEL = "[secret]";
