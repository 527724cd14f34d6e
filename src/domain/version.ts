/** A release version as the ritual names it: vMAJOR.MINOR.PATCH, with an optional pre-release (v1.4.0-rc.1). */
export const VERSION = /^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
