/** The repository root, with a trailing slash. */
export declare const ROOT: string;
/** True when `dist/cli/<entry>.js` holds every source change (see fresh-build.js). */
export declare function freshBuild(entry?: string): boolean;
