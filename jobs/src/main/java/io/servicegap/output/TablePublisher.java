package io.servicegap.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run's tables aside (under {@code _staging/<run_id>}) and, only once every table of the
 * run is written, swaps the run's partitions into the published tables. Published partitions in
 * the run's scope that the run did not produce are removed, so a re-run replaces exactly its scope.
 */
public final class TablePublisher {
  private static final Logger LOG = LoggerFactory.getLogger(TablePublisher.class);

  private final Path root;
  private final FileSystem fs;
  private final Path staging;
  private final Path trash;

  public TablePublisher(String outputPath, String runId, Configuration hadoop) {
    this.root = new Path(outputPath);
    try {
      this.fs = root.getFileSystem(hadoop);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open output file system for " + outputPath, e);
    }
    this.staging = new Path(root, "_staging/" + runId);
    this.trash = new Path(root, "_trash/" + runId);
  }

  /** Writes one file per partition, in the table's declared column order. */
  public void stage(Dataset<Row> rows, OutputTables.Table table) {
    Column[] partitions = table.partitionBy().stream().map(rows::col).toArray(Column[]::new);
    rows.selectExpr(table.columnNames().toArray(String[]::new))
        .repartition(partitions)
        .write()
        .mode(SaveMode.Overwrite)
        .partitionBy(table.partitionBy().toArray(String[]::new))
        .parquet(new Path(staging, table.name()).toString());
  }

  /**
   * Gives a table the run staged no rows for one empty Parquet file, in a partition the run owns,
   * so readers find the table and its schema (a folder of partitions without files has neither).
   *
   * @param schema the table's columns, without its partition columns
   * @param partition a value per partition column, in order
   */
  public void stageEmpty(SparkSession spark, OutputTables.Table table, org.apache.spark.sql.types.StructType schema, List<String> partition) {
    List<String> dirs = new ArrayList<>();
    for (int i = 0; i < partition.size(); i++) {
      dirs.add(table.partitionBy().get(i) + "=" + partition.get(i));
    }
    spark.createDataFrame(List.of(), schema).coalesce(1).write().mode(SaveMode.Overwrite)
        .parquet(new Path(stagedPath(table), String.join("/", dirs)).toString());
  }

  /** A folder for the run's intermediate data, removed with the staging area. */
  public String scratch(String name) {
    return new Path(staging, "_scratch/" + name).toString();
  }

  /** Whether the staged table holds any data file (a table with no rows has none). */
  public boolean hasStagedRows(OutputTables.Table table) {
    try {
      Path dir = stagedPath(table);
      if (!fs.exists(dir)) {
        return false;
      }
      var files = fs.listFiles(dir, true);
      while (files.hasNext()) {
        String name = files.next().getPath().getName();
        if (!name.startsWith("_") && !name.startsWith(".")) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Rows of the staged table per partition (relative path), read from the Parquet footers of its
   * files: no Spark job, and nothing of the rows is read.
   */
  public Map<String, Long> stagedRows(OutputTables.Table table) {
    Map<String, Long> rows = new java.util.TreeMap<>();
    Path dir = stagedPath(table);
    try {
      if (!fs.exists(dir)) {
        return rows;
      }
      var files = fs.listFiles(dir, true);
      while (files.hasNext()) {
        FileStatus file = files.next();
        String name = file.getPath().getName();
        if (name.startsWith("_") || name.startsWith(".") || !name.endsWith(".parquet")) {
          continue;
        }
        String rel = fs.makeQualified(dir).toUri().relativize(fs.makeQualified(file.getPath().getParent()).toUri()).getPath().replaceAll("/$", "");
        try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(
            org.apache.parquet.hadoop.util.HadoopInputFile.fromStatus(file, fs.getConf()))) {
          long n = reader.getRecordCount();
          if (n > 0) {
            rows.merge(rel, n, Long::sum);
          }
        }
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the staged " + table.name() + "'s row counts", e);
    }
  }

  public Path stagedPath(OutputTables.Table table) {
    return new Path(staging, table.name());
  }

  /** A run's tables and the published partitions each one owns. */
  public record Scope(OutputTables.Table table, Predicate<Map<String, String>> owns) {}

  /**
   * Replaces, in every table, the published partitions the run owns by the staged ones. The moves
   * are first written to a journal ({@code _publish/<run_id>}); if the process dies while moving,
   * {@link #recoverInterrupted} run by the next run finishes them, so the tables end up wholly new.
   *
   * @return per table, the partitions written and the partitions removed
   */
  public Map<String, Map<String, List<String>>> publish(List<Scope> scopes) {
    return publish(scopes, Integer.MAX_VALUE);
  }

  /** Publishes, stopping after {@code moveLimit} moves as a crash would (for fault tests). */
  Map<String, Map<String, List<String>>> publish(List<Scope> scopes, int moveLimit) {
    List<String[]> moves = new ArrayList<>();
    Map<String, Map<String, List<String>>> result = new LinkedHashMap<>();
    try {
      for (Scope scope : scopes) {
        OutputTables.Table table = scope.table();
        Path published = new Path(root, table.name());
        List<String> staged = partitions(stagedPath(table), table.partitionBy().size());
        List<String> removed = new ArrayList<>();
        for (String rel : partitions(published, table.partitionBy().size())) {
          if (scope.owns().test(values(rel))) {
            moves.add(new String[] {new Path(published, rel).toString(), new Path(trash, table.name() + "/" + rel).toString()});
            if (!staged.contains(rel)) {
              removed.add(rel);
            }
          }
        }
        for (String rel : staged) {
          moves.add(new String[] {new Path(stagedPath(table), rel).toString(), new Path(published, rel).toString()});
        }
        result.put(table.name(), Map.of("written", staged, "removed", removed));
      }
      Path journal = new Path(root, "_publish/" + staging.getName());
      Path pending = new Path(root, "_publish/." + staging.getName() + ".tmp");
      try (var out = fs.create(pending, true)) {
        for (String[] m : moves) {
          out.write((m[0] + "\t" + m[1] + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      if (!fs.rename(pending, journal)) {
        throw new IOException("cannot write the publish journal " + journal);
      }
      apply(journal, moveLimit);
    } catch (IOException e) {
      throw new UncheckedIOException("publishing the run's tables failed", e);
    }
    result.forEach((t, r) -> LOG.info("published {}: {} partitions written, {} removed", t, r.get("written").size(), r.get("removed").size()));
    return result;
  }

  /**
   * Rewrites a table published in an earlier layout (partition folders named otherwise than its
   * partition columns) into its own, through a publish of every partition: readers see the old
   * layout or the new, never both. Call only under the run lock.
   *
   * @param derive the table's columns from the old rows (the old partition columns included)
   * @return whether the table was rewritten
   */
  public boolean rewriteLayout(SparkSession spark, OutputTables.Table table, java.util.function.UnaryOperator<Dataset<Row>> derive) {
    Path published = new Path(root, table.name());
    List<String> old;
    try {
      old = partitions(published, table.partitionBy().size()).stream()
          .filter(rel -> !List.copyOf(values(rel).keySet()).equals(table.partitionBy()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (old.isEmpty()) {
      return false;
    }
    LOG.warn("{} is partitioned as an earlier servicegap wrote it ({}): rewriting its {} partitions by {}",
        table.name(), old.get(0), old.size(), String.join(", ", table.partitionBy()));
    stage(derive.apply(spark.read().parquet(published.toString())), table);
    publish(List.of(new Scope(table, p -> true)));
    return true;
  }

  /**
   * Finishes the publish of any run that died while moving partitions, then removes what runs that
   * died earlier left aside. Call only under the run lock: no other run is then going on.
   */
  public static void recoverInterrupted(String outputPath, Configuration hadoop) {
    Path dir = new Path(outputPath, "_publish");
    try {
      FileSystem fs = dir.getFileSystem(hadoop);
      for (FileStatus journal : fs.exists(dir) ? fs.listStatus(dir) : new FileStatus[0]) {
        if (journal.getPath().getName().startsWith(".")) {
          fs.delete(journal.getPath(), false); // never completed: nothing was moved
          continue;
        }
        LOG.warn("finishing the interrupted publish of run {}", journal.getPath().getName());
        new TablePublisher(outputPath, journal.getPath().getName(), hadoop).apply(journal.getPath(), Integer.MAX_VALUE);
      }
      for (String aside : List.of("_staging", "_trash")) {
        Path p = new Path(outputPath, aside);
        if (fs.exists(p) && fs.listStatus(p).length > 0) {
          LOG.warn("removing {} left by runs that did not finish", p);
          fs.delete(p, true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot finish an interrupted publish under " + outputPath, e);
    }
  }

  /**
   * Carries out a journal's moves in order, at most {@code limit} of them; a move already done is
   * skipped, so a journal can be applied again after a crash.
   */
  private void apply(Path journal, int limit) throws IOException {
    List<String> lines;
    try (var in = fs.open(journal)) {
      lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    }
    int done = 0;
    for (String line : lines) {
      if (done++ >= limit) {
        return;
      }
      String[] m = line.split("\t");
      Path from = new Path(m[0]);
      if (fs.exists(from)) {
        move(from, new Path(m[1]));
      }
    }
    fs.delete(trash, true);
    fs.delete(staging, true);
    fs.delete(journal, false);
  }

  /**
   * Removes what the run wrote aside; called after publishing and after a failed run. A run that
   * left a publish journal keeps its staging: the next run finishes that publish.
   */
  public void discardStaging() {
    try {
      if (fs.exists(new Path(root, "_publish/" + staging.getName()))) {
        return;
      }
      fs.delete(staging, true);
      fs.delete(trash, true);
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", staging, e.getMessage());
    }
  }

  private void move(Path from, Path to) throws IOException {
    fs.mkdirs(to.getParent());
    if (!fs.rename(from, to)) {
      throw new IOException("cannot move " + from + " to " + to);
    }
  }

  /** Relative paths of partition folders exactly {@code depth} levels below {@code dir}. */
  private List<String> partitions(Path dir, int depth) throws IOException {
    List<String> found = new ArrayList<>();
    if (!fs.exists(dir)) {
      return found;
    }
    collect(dir, "", depth, found);
    found.sort(String::compareTo);
    return found;
  }

  private void collect(Path dir, String prefix, int depth, List<String> found) throws IOException {
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (!s.isDirectory() || !name.contains("=") || name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      String rel = prefix.isEmpty() ? name : prefix + "/" + name;
      if (depth == 1) {
        found.add(rel);
      } else {
        collect(s.getPath(), rel, depth - 1, found);
      }
    }
  }

  /** Partition values of a relative path such as {@code grain=day/period_start=2024-01-05}. */
  static Map<String, String> values(String relative) {
    Map<String, String> v = new LinkedHashMap<>();
    for (String part : relative.split("/")) {
      int eq = part.indexOf('=');
      v.put(part.substring(0, eq), unescape(part.substring(eq + 1)));
    }
    return v;
  }

  /** Spark percent-escapes special characters in partition folder names. */
  private static String unescape(String value) {
    return java.net.URLDecoder.decode(value.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }
}
