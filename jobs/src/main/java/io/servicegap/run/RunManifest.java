package io.servicegap.run;

import io.servicegap.keys.RunKeys;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.servicegap.ingest.SourceCounts;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** What a run did, written as {@code _runs/<run_id>.json} whether it succeeded or not. */
public final class RunManifest {
  private final Map<String, Object> doc = new LinkedHashMap<>();
  private final Map<String, Object> outputs = new LinkedHashMap<>();

  public RunManifest(String runId, String command, String configDigest, String sparkVersion) {
    doc.put("run_id", runId);
    doc.put("command", command);
    doc.put("status", "running");
    doc.put("started_at", Instant.now().toString());
    doc.put("config_digest", configDigest);
    doc.put("spark_version", sparkVersion);
  }

  public void window(RunKeys run) {
    doc.put("as_of", run.asOf().toString());
    doc.put("window_start", run.windowStart().toString());
    doc.put("timezone", run.zone().getId());
  }

  /** @param rawRows rows read per raw input (SPEC §2b), by name */
  public void inputs(List<SourceCounts> counts, Map<String, Long> rawRows) {
    List<Map<String, Object>> raw = new ArrayList<>();
    rawRows.forEach((name, n) -> raw.add(Map.of("raw_input", name, "rows_read", n)));
    doc.put("raw_inputs", raw);
    List<Map<String, Object>> list = new ArrayList<>();
    for (SourceCounts c : counts) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("source", c.source());
      m.put("path", c.path());
      m.put("rows_read", c.read());
      m.put("left_out_by_where", c.leftOut());
      m.put("accepted", c.accepted());
      m.put("quarantined", c.quarantined());
      m.put("quarantined_by_reason", c.quarantinedByReason());
      m.put("reject_ratio", c.rejectRatio());
      m.put("reconciles", c.reconciles());
      list.add(m);
    }
    doc.put("inputs", list);
  }

  public void output(String table, Map<String, Long> rowsByPartition, Map<String, List<String>> published) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", rowsByPartition.values().stream().mapToLong(Long::longValue).sum());
    m.put("rows_by_partition", rowsByPartition);
    m.put("partitions_removed", published.getOrDefault("removed", List.of()));
    outputs.put(table, m);
    doc.put("outputs", outputs);
  }

  /** Why the run found nothing (null when it has findings, or wrote none). */
  public void noFindings(String why) {
    if (why != null) {
      doc.put("no_findings", why);
    }
  }

  /** @param path the run's report, or null when it could not be written */
  public void report(String path) {
    doc.put("report", path);
  }

  public void finish(String status, int exitCode, String error, Map<String, Long> stageMillis) {
    doc.put("status", status);
    doc.put("exit_code", exitCode);
    if (error != null) {
      doc.put("error", error);
    }
    doc.put("finished_at", Instant.now().toString());
    doc.put("stage_millis", stageMillis);
  }

  public Path write(String outputPath, Configuration hadoop) throws IOException {
    Path path = new Path(outputPath, "_runs/" + doc.get("run_id") + ".json");
    FileSystem fs = path.getFileSystem(hadoop);
    try (OutputStream out = fs.create(path, true)) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out, doc);
    }
    return path;
  }
}
