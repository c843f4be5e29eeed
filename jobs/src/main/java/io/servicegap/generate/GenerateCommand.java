package io.servicegap.generate;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.servicegap.config.ConfigurationException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/** {@code generate --orders N [--seed S] [--gaps planted|none] --out DIR [--format parquet|csv]}: writes all six sources. */
public final class GenerateCommand {
  private GenerateCommand() {}

  /** @param planted whether the documented gaps are planted ({@code --gaps planted}, the default) or none is ({@code --gaps none}) */
  public record Options(long orders, long seed, String out, String format, boolean planted) {}

  public static Options parse(String[] args) {
    long orders = -1;
    long seed = 1;
    String out = null;
    String format = "parquet";
    String gaps = "planted";
    List<String> problems = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      try {
        switch (args[i]) {
          case "--orders" -> orders = Long.parseLong(v.replace("_", ""));
          case "--seed" -> seed = Long.parseLong(v);
          case "--out" -> out = v;
          case "--format" -> format = v;
          case "--gaps" -> gaps = v;
          default -> {
            problems.add("unknown argument '" + args[i] + "'");
            continue;
          }
        }
      } catch (NumberFormatException | NullPointerException e) {
        problems.add(args[i] + " needs a number");
      }
      i++;
    }
    if (orders < 1) {
      problems.add("--orders N (at least 1) is required");
    }
    if (out == null) {
      problems.add("--out DIR is required");
    }
    if (!format.equals("parquet") && !format.equals("csv")) {
      problems.add("--format must be parquet or csv");
    }
    if (!"planted".equals(gaps) && !"none".equals(gaps)) {
      problems.add("--gaps must be planted or none");
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return new Options(orders, seed, out, format, "planted".equals(gaps));
  }

  public static void run(Options o, SparkSession spark, PrintStream out) {
    HistoryGenerator g = new HistoryGenerator(spark, o.seed(), o.planted());
    Dataset<Row> transactions = g.transactions(o.orders()).cache();
    // Files of about a million rows: big enough to read fast, small enough to parallelise.
    int files = (int) Math.max(1, o.orders() / 1_000_000);
    write(g.accounts(o.orders()).coalesce(Math.max(1, files / 10)), o, "accounts");
    write(transactions.repartition(files), o, "transactions");
    write(g.complaints(transactions, g.accounts(o.orders())).coalesce(Math.max(1, files / 4)), o, "complaints");
    write(g.surveys(transactions).repartition(Math.max(1, files * 2)), o, "surveys");
    write(g.managementEstimates().coalesce(1), o, "management_estimates");
    write(g.priceChanges().coalesce(1), o, "price_changes");
    transactions.unpersist();
    out.println("generated " + o.orders() + " orders (seed " + o.seed() + ", " + (o.planted() ? "gaps planted" : "no gap planted") + ") as " + o.format() + " under " + o.out());
    out.println("configure: servicegap.inputs.<source> { path = \"" + o.out() + "/<source>\", format = " + o.format() + " }");
  }

  private static void write(Dataset<Row> rows, Options o, String source) {
    var w = rows.write().mode(SaveMode.Overwrite);
    if (o.format().equals("csv")) {
      w = w.option("header", "true");
    }
    w.format(o.format()).save(o.out() + "/" + source);
  }

  /** A session from reference.conf's Spark settings; generating needs no other configuration. */
  public static SparkSession session() {
    Config spark = ConfigFactory.defaultReference(GenerateCommand.class.getClassLoader()).getConfig("servicegap.spark");
    SparkConf conf = new SparkConf().setAppName("servicegap-generate");
    conf.setIfMissing("spark.master", spark.getString("master"));
    for (Map.Entry<String, com.typesafe.config.ConfigValue> e : spark.getConfig("conf").entrySet()) {
      conf.setIfMissing(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
    }
    conf.setIfMissing("spark.sql.session.timeZone", "UTC");
    conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
