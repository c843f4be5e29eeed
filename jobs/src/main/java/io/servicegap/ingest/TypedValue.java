package io.servicegap.ingest;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.FractionalType;
import org.apache.spark.sql.types.IntegralType;

/**
 * Reads a raw input value as its contract type. A value that is present but unreadable becomes
 * null, which {@link #unreadable} detects. Typed inputs (Parquet) skip the text round trip.
 */
final class TypedValue {
  private TypedValue() {}

  /** Text with surrounding blanks removed; an empty text is an absent value. */
  static Column present(Column raw, DataType inputType) {
    if (inputType.equals(DataTypes.StringType)) {
      Column t = trim(raw);
      return when(t.notEqual(lit("")), t);
    }
    return raw;
  }

  /**
   * How a source writes its text timestamps and dates.
   *
   * @param timestampFormat, dateFormat Spark datetime patterns, or null for ISO-8601
   * @param zone zone of text timestamps without an offset, or null for {@code runZone}
   * @param runZone servicegap.timezone, the session's time zone
   */
  record TextFormats(String timestampFormat, String dateFormat, String zone, String runZone) {
    static final TextFormats ISO = new TextFormats(null, null, null, "UTC");
  }

  /** Text that ends in an offset (Z, +01:00, -0500) after a digit names its own instant. */
  private static final String OFFSET = ".*[0-9](Z|[+-][0-9]{2}(:?[0-9]{2})?)$";

  static Column parse(Column raw, DataType inputType, ColumnType target) {
    return parse(raw, inputType, target, TextFormats.ISO);
  }

  static Column parse(Column raw, DataType inputType, ColumnType target, TextFormats formats) {
    Column v = present(raw, inputType);
    boolean text = inputType.equals(DataTypes.StringType);
    if (text && target == ColumnType.TIMESTAMP) {
      return timestamp(v, formats);
    }
    if (text && target == ColumnType.DATE && formats.dateFormat() != null) {
      return to_date(v, formats.dateFormat());
    }
    if (inputType.equals(target.sparkType())) {
      return v;
    }
    return switch (target) {
      case STRING -> v.cast(DataTypes.StringType);
      case INT -> {
        if (text) {
          yield when(v.rlike("^[+-]?[0-9]{1,10}$"), v.cast(DataTypes.IntegerType));
        }
        Column inRange = v.between(Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (inputType instanceof FractionalType) {
          inRange = inRange.and(v.equalTo(round(v, 0)));
        }
        yield inputType instanceof IntegralType || inputType instanceof FractionalType
            ? when(inRange, v.cast(DataTypes.IntegerType))
            : v.cast(DataTypes.IntegerType);
      }
      case DOUBLE -> {
        Column d = v.cast(DataTypes.DoubleType);
        yield when(isnan(d).or(abs(d).equalTo(Double.POSITIVE_INFINITY)), lit(null)).otherwise(d);
      }
      case BOOLEAN -> (text ? lower(v) : v).cast(DataTypes.BooleanType);
      default -> v.cast(target.sparkType());
    };
  }

  /**
   * A text timestamp in the source's pattern (or ISO-8601); without an offset it is a wall-clock
   * time in the source's zone. Parsed in the run's zone first, then moved: the wall-clock time in
   * the run's zone, read as UTC, is that same wall-clock time read in the source's zone.
   */
  private static Column timestamp(Column v, TextFormats formats) {
    Column parsed = formats.timestampFormat() == null ? v.cast(DataTypes.TimestampType) : to_timestamp(v, formats.timestampFormat());
    if (formats.zone() == null || formats.zone().equals(formats.runZone())) {
      return parsed;
    }
    Column moved = to_utc_timestamp(from_utc_timestamp(parsed, formats.runZone()), formats.zone());
    return when(v.rlike(OFFSET), parsed).otherwise(moved);
  }

  /** Present in the input but not readable as its type. */
  static Column unreadable(Column raw, DataType inputType, Column parsed) {
    return present(raw, inputType).isNotNull().and(parsed.isNull());
  }
}
