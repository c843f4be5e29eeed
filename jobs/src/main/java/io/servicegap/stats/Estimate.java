package io.servicegap.stats;

import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * A metric value with its sample size and interval, as a struct column (value, n, ci_low,
 * ci_high), computed from additive states so it can be evaluated after any roll-up.
 */
public final class Estimate {
  private Estimate() {}

  /** Two-sided standard normal quantile for a confidence level (0.95 → 1.95996…). */
  public static double z(double confidence) {
    return new NormalDistribution().inverseCumulativeProbability(1 - (1 - confidence) / 2);
  }

  /** Wilson's interval of successes / n, for figures computed on the driver: {low, high}. */
  public static double[] wilson(double successes, double n, double z) {
    double p = successes / n;
    double z2 = z * z;
    double denom = 1 + z2 / n;
    double center = (p + z2 / (2 * n)) / denom;
    double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom;
    return new double[] {center - half, center + half};
  }

  /** successes / n with a Wilson score interval. */
  public static Column rate(Column successes, Column n, double z) {
    Column nd = n.cast(DataTypes.DoubleType);
    Column p = successes.cast(DataTypes.DoubleType).divide(nd);
    double z2 = z * z;
    Column denom = lit(1.0).plus(lit(z2).divide(nd));
    Column center = p.plus(lit(z2).divide(nd.multiply(2))).divide(denom);
    Column half =
        lit(z).multiply(sqrt(p.multiply(lit(1.0).minus(p)).divide(nd).plus(lit(z2).divide(nd.multiply(nd).multiply(4)))))
            .divide(denom);
    return of(p, n, center.minus(half), center.plus(half));
  }

  /** sum / n with a normal-approximation interval from the sum of squares (none for n < 2). */
  public static Column mean(Column sum, Column sumOfSquares, Column n, double z) {
    Column nd = n.cast(DataTypes.DoubleType);
    Column m = sum.cast(DataTypes.DoubleType).divide(nd);
    Column variance = greatest(lit(0.0), sumOfSquares.minus(sum.multiply(sum).divide(nd)).divide(nd.minus(1)));
    Column half = when(n.geq(2), lit(z).multiply(sqrt(variance.divide(nd))));
    return of(m, n, m.minus(half), m.plus(half));
  }

  /**
   * The difference of two rates (Estimate structs from {@link #rate}) with Newcombe's hybrid score
   * interval, built from the two Wilson intervals; n is the smaller group, which bounds precision.
   */
  public static Column difference(Column a, Column b) {
    Column av = a.getField("value");
    Column bv = b.getField("value");
    Column d = av.minus(bv);
    Column low = d.minus(sqrt(square(av.minus(a.getField("ci_low"))).plus(square(b.getField("ci_high").minus(bv)))));
    Column high = d.plus(sqrt(square(a.getField("ci_high").minus(av)).plus(square(bv.minus(b.getField("ci_low"))))));
    return of(d, least(a.getField("n"), b.getField("n")), low, high);
  }

  /**
   * The standard normal distribution function Φ(x), as a column, from Commons Math's erfc (accurate
   * far into the tail, where the p-values of strong findings lie). A function of the JVM's: it
   * runs over the findings' few hundred tests, never over events.
   */
  public static Column normalCdf(Column x) {
    return PHI.apply(x.cast(DataTypes.DoubleType));
  }

  private static final org.apache.spark.sql.expressions.UserDefinedFunction PHI = org.apache.spark.sql.functions.udf(
      (org.apache.spark.sql.api.java.UDF1<Double, Double>) x -> x == null || x.isNaN() ? null : 0.5 * org.apache.commons.math3.special.Erf.erfc(-x / Math.sqrt(2)),
      DataTypes.DoubleType).withName("normal_cdf");

  private static Column square(Column x) {
    return x.multiply(x);
  }

  /** A value with no interval (ratios of sums, percentiles). */
  public static Column point(Column value, Column n) {
    Column none = lit(null).cast(DataTypes.DoubleType);
    return of(value.cast(DataTypes.DoubleType), n, none, none);
  }

  public static Column of(Column value, Column n, Column low, Column high) {
    return struct(
        value.cast(DataTypes.DoubleType).as("value"),
        n.cast(DataTypes.LongType).as("n"),
        low.cast(DataTypes.DoubleType).as("ci_low"),
        high.cast(DataTypes.DoubleType).as("ci_high"));
  }
}
