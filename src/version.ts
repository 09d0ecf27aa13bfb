/** The SDK's own version, sent in every batch's `sdk` field. A test keeps it equal to package.json's. */
export const SDK_VERSION = '0.1.0';
export const SDK_NAME = 'shadowcast';
