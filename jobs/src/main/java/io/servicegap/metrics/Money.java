package io.servicegap.metrics;

import static org.apache.spark.sql.functions.rint;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * Amounts of the input contract (decimal(18,2)) summed as whole cents. Spark keeps a sum of
 * decimal(18,2) as decimal(28,2), which its aggregation buffers hold as BigDecimal bytes: a
 * conversion each way for every row summed. An amount converts exactly below 2^53 cents (about
 * 90 trillion), and sums of cents do not depend on the order rows are added in.
 */
final class Money {
  private Money() {}

  /** Whole cents. */
  static Column cents(Column amount) {
    return rint(amount.cast(DataTypes.DoubleType).multiply(100)).cast(DataTypes.LongType);
  }

  /** A sum of {@link #cents} as the contract's decimal(18,2). */
  static Column fromCents(Column cents) {
    return cents.cast("decimal(20,0)").divide(100).cast("decimal(18,2)");
  }
}
