package io.servicegap.ingest;

/** Why a row was quarantined; a row breaking several rules gets the first, in this order. */
public enum Reason {
  PARSE_ERROR,
  MISSING_REQUIRED,
  BAD_VALUE,
  OUT_OF_RANGE,
  BAD_ORDER_OF_TIMES,
  UNKNOWN_REFERENCE,
  DUPLICATE_KEY,
  RESERVED_VALUE
}
