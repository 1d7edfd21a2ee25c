/** A plain timer promise: the soak program (not its tests) paces itself with these. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
