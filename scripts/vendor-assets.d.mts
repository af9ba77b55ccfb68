/** Copies the vendored browser files into public/vendor/; returns their file names. */
export function vendorAssets(): string[];
