/**
 * `@pulumi/policy`'s own proxy and unknown sentinels. They are `@internal` (absent from its typings), so they
 * are required and typed here; the tests must use the real ones, not look-alikes.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy<T extends object>(value: T): T;
    unknownStringValue: string;
    unknownNumberValue: string;
    unknownArrayValue: string;
};

export const { unknownCheckingProxy, unknownStringValue, unknownNumberValue, unknownArrayValue } = proxy;
