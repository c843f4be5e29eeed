package io.servicegap;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import com.typesafe.config.ConfigFactory;
import io.servicegap.config.Settings;
import io.servicegap.config.SettingsLoader;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;

/**
 * One local Spark session for the whole test JVM (spark-testing-base's own Java bases are JUnit 4
 * only), plus its DataFrame assertions and small builders for inline data.
 */
public abstract class SparkTestBase {
  protected static SparkSession spark;
  private static final JavaDataFrameSuiteBase FRAMES = new JavaDataFrameSuiteBase();

  @BeforeAll
  static void startSpark() {
    synchronized (SparkTestBase.class) {
      if (spark == null) {
        spark =
            SparkSession.builder()
                .master("local[2]")
                .appName("servicegap-tests")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.legacy.timeParserPolicy", "CORRECTED") // as ServiceGapMain
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.hadoop.fs.file.impl", "io.servicegap.output.NioLocalFileSystem")
                .config("spark.sql.sources.parallelPartitionDiscovery.threshold", Integer.MAX_VALUE) // as ServiceGapMain in local mode
                // Given as spark-submit would give it, so a run leaves code generation as each
                // class chose it (compilePlans), not as servicegap.run.compile-plans-from would.
                .config("spark.sql.codegen.wholeStage", "true")
                .config("spark.sql.extensions", io.servicegap.run.OneStepAggregates.withExtension(null)) // as ServiceGapMain
                .getOrCreate();
      }
      compilePlans(Boolean.parseBoolean(System.getProperty("servicegap.test.codegen", "true")));
    }
  }

  /**
   * Whether this class's plans compile to code, as a run's do. The fast loop (mvn test) switches
   * it off for its tiny inputs, whose plans took longer to compile than to run; a class over
   * larger data switches it back on. The figures are the same either way; mvn verify compiles.
   */
  protected static void compilePlans(boolean compile) {
    spark.conf().set("spark.sql.codegen.wholeStage", compile);
    spark.conf().set("spark.sql.codegen.factoryMode", compile ? "FALLBACK" : "NO_CODEGEN");
    // As a run that interprets its plans sets them (InputSizing).
    spark.conf().set("spark.sql.subexpressionElimination.enabled", compile);
    spark.conf().set("spark.sql.constraintPropagation.enabled", compile);
  }

  /** The repository root (set by surefire), for data-samples/ and conf/. */
  protected static Path repo() {
    return repoRoot();
  }

  public static Path repoRoot() {
    return Path.of(System.getProperty("servicegap.repo", "..")).toAbsolutePath().normalize();
  }

  /**
   * Settings from reference.conf plus the given HOCON lines; input paths default to /nonexistent
   * where the lines give a source neither a path nor sql.
   */
  protected static Settings settings(String... hocon) {
    com.typesafe.config.Config extra = ConfigFactory.parseString(String.join("\n", hocon));
    for (String s : List.of("accounts", "transactions", "complaints", "surveys")) {
      String base = "servicegap.inputs." + s;
      if (!extra.hasPath(base + ".sql") && !extra.hasPathOrNull(base + ".path")) {
        extra = extra.withFallback(ConfigFactory.parseMap(java.util.Map.of(base + ".path", "/nonexistent/" + s)));
      }
    }
    return SettingsLoader.load((File) null, extra, List.of("servicegap.output.path=/nonexistent/out"), io.servicegap.metrics.Families.names());
  }

  /** A DataFrame from a DDL schema and rows given as arrays of values. */
  protected static Dataset<Row> frame(String ddl, Object[]... rows) {
    StructType schema = StructType.fromDDL(ddl);
    List<Row> list = Arrays.stream(rows).map(RowFactory::create).toList();
    return spark.createDataFrame(list, schema);
  }

  protected static Object[] row(Object... values) {
    return values;
  }

  protected static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
    FRAMES.assertDataFrameNoOrderEquals(expected, actual);
  }

  /**
   * The same rows, doubles equal within {@code tolerance}: for runs whose partitioning differs, as
   * sums of doubles depend on the order partial sums are merged in. Both sides are sorted by their
   * exact columns first, then compared row by row.
   */
  protected static void assertSameRowsWithin(Dataset<Row> expected, Dataset<Row> actual, double tolerance) {
    List<org.apache.spark.sql.Column> order = new ArrayList<>();
    for (var f : expected.schema().fields()) {
      if (!(f.dataType() instanceof org.apache.spark.sql.types.FractionalType)) {
        order.add(org.apache.spark.sql.functions.col(f.name()));
      }
    }
    org.apache.spark.sql.Column[] by = order.toArray(org.apache.spark.sql.Column[]::new);
    FRAMES.assertDataFrameApproximateEquals(expected.orderBy(by), actual.select(expected.columns()[0], java.util.Arrays.copyOfRange(expected.columns(), 1, expected.columns().length)).orderBy(by), tolerance);
  }

}
