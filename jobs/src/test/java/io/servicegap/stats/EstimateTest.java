package io.servicegap.stats;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.servicegap.SparkTestBase;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class EstimateTest extends SparkTestBase {
  private static final double Z95 = Estimate.z(0.95);

  @Test
  void zOfNinetyFivePercentIsTheTextbookValue() {
    assertEquals(1.959964, Z95, 1e-6);
    assertEquals(2.575829, Estimate.z(0.99), 1e-6);
  }

  @Test
  void wilsonIntervalMatchesPublishedValues() {
    // 8 of 10 at 95 %: p = 0.8, z² = 3.8415, denominator 1 + z²/10 = 1.38415,
    // centre (0.8 + 0.19207) / 1.38415 = 0.71680, half-width z·sqrt(0.016 + 0.009604) / 1.38415 = 0.22657
    Row r = estimate(Estimate.rate(col("s"), col("n"), Z95), 8, 10);
    assertEquals(0.8, r.getDouble(0), 1e-12);
    assertEquals(10L, r.getLong(1));
    assertEquals(0.4902, r.getDouble(2), 5e-4);
    assertEquals(0.9433, r.getDouble(3), 5e-4);
  }

  @Test
  void wilsonIntervalStaysInsideZeroOneAtTheEdges() {
    Row none = estimate(Estimate.rate(col("s"), col("n"), Z95), 0, 5);
    assertEquals(0.0, none.getDouble(2), 1e-12);
    // 0 of 5: upper bound z²/(n + z²) = 3.8415 / 8.8415 = 0.4345
    assertEquals(0.4345, none.getDouble(3), 5e-4);
    Row all = estimate(Estimate.rate(col("s"), col("n"), Z95), 5, 5);
    assertEquals(1.0, all.getDouble(3), 1e-12);
    assertEquals(1 - 0.4345, all.getDouble(2), 5e-4);
  }

  @Test
  void meanIntervalUsesTheSampleStandardDeviation() {
    // values 2, 4, 6: sum 12, sum of squares 56, mean 4, s² = (56 − 144/3) / 2 = 4, se = sqrt(4/3) = 1.1547
    Row r = spark.sql("select 12d as s, 56d as q, 3L as n").select(Estimate.mean(col("s"), col("q"), col("n"), Z95).as("e")).select("e.*").first();
    assertEquals(4.0, r.getDouble(0), 1e-12);
    assertEquals(4.0 - 1.959964 * 1.1547005, r.getDouble(2), 1e-6);
    assertEquals(4.0 + 1.959964 * 1.1547005, r.getDouble(3), 1e-6);
  }

  @Test
  void aSingleValueHasNoInterval() {
    Row r = spark.sql("select 5d as s, 25d as q, 1L as n").select(Estimate.mean(col("s"), col("q"), col("n"), Z95).as("e")).select("e.*").first();
    assertEquals(5.0, r.getDouble(0), 1e-12);
    assertNull(r.get(2));
    assertNull(r.get(3));
  }

  @Test
  void differenceOfRatesHasNewcombesHybridScoreInterval() {
    // Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 − 48/80 = 0.8 − 0.6 = 0.2,
    // method 10 (hybrid score) gives 0.0524 to 0.3339.
    Row r = spark.sql("select 56L as a, 70L as n, 48L as b, 80L as m")
        .select(Estimate.difference(Estimate.rate(col("a"), col("n"), Z95), Estimate.rate(col("b"), col("m"), Z95)).as("e"))
        .select("e.*").first();
    assertEquals(0.2, r.getDouble(0), 1e-12);
    assertEquals(70L, r.getLong(1), "n is the smaller group");
    assertEquals(0.0524, r.getDouble(2), 5e-5);
    assertEquals(0.3339, r.getDouble(3), 5e-5);
  }

  private static Row estimate(org.apache.spark.sql.Column e, long successes, long n) {
    return spark.sql("select " + successes + "L as s, " + n + "L as n").select(e.as("e")).select("e.*").first();
  }
}
