/* GPS accuracy thresholds, metres: written by mobile_forms/build_forms.py from
 * mobile_forms/gps_accuracy.json (the ODK Collect form uses the same numbers). */

/** A good fix (green). */
export const GPS_GOOD_M = 10;
/** Worse than this is a poor fix (red), until the server's own limit is known. */
export const GPS_MAX_M = 25;
