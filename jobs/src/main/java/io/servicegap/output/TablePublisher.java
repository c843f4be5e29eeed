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

  /** A folder for the run's intermediate data, removed with the staging area. */
  public String scratch(String name) {
    return new Path(staging, "_scratch/" + name).toString();
  }

  public Path stagedPath(OutputTables.Table table) {
    return new Path(staging, table.name());
  }

  /**
   * Replaces the published partitions in {@code scope} (a predicate on partition values) by the
   * staged ones.
   *
   * @return the published partition paths (relative to the table), by what happened to them
   */
  public Map<String, List<String>> publish(OutputTables.Table table, Predicate<Map<String, String>> scope) {
    Path published = new Path(root, table.name());
    Path staged = stagedPath(table);
    int depth = table.partitionBy().size();
    List<String> removed = new ArrayList<>();
    List<String> written = new ArrayList<>();
    try {
      for (String rel : partitions(published, depth)) {
        if (scope.test(values(rel))) {
          move(new Path(published, rel), new Path(trash, table.name() + "/" + rel));
          removed.add(rel);
        }
      }
      for (String rel : partitions(staged, depth)) {
        move(new Path(staged, rel), new Path(published, rel));
        written.add(rel);
      }
      fs.delete(new Path(trash, table.name()), true);
    } catch (IOException e) {
      throw new UncheckedIOException("publishing " + table.name() + " failed", e);
    }
    removed.removeAll(written);
    LOG.info("published {}: {} partitions written, {} removed", table.name(), written.size(), removed.size());
    Map<String, List<String>> result = new LinkedHashMap<>();
    result.put("written", written);
    result.put("removed", removed);
    return result;
  }

  /** Removes what the run wrote aside; called after publishing and after a failed run. */
  public void discardStaging() {
    try {
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
