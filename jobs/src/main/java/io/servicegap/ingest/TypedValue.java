package io.servicegap.ingest;

import static org.apache.spark.sql.functions.abs;
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

  static Column parse(Column raw, DataType inputType, ColumnType target) {
    Column v = present(raw, inputType);
    if (inputType.equals(target.sparkType())) {
      return v;
    }
    boolean text = inputType.equals(DataTypes.StringType);
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

  /** Present in the input but not readable as its type. */
  static Column unreadable(Column raw, DataType inputType, Column parsed) {
    return present(raw, inputType).isNotNull().and(parsed.isNull());
  }
}
