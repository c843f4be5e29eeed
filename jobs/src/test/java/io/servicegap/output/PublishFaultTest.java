package io.servicegap.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A publish cut short half-way is finished by the next run; one run at a time per output folder. */
class PublishFaultTest extends SparkTestBase {
  @TempDir Path dir;
  private final Configuration hadoop = new Configuration();

  private Dataset<Row> quarantineRows(String asOf, String record) {
    return spark.sql(
        "select 'BAD_VALUE' as reason, 'status' as column_name, '" + record + "' as record, 'f.csv' as source_file, date'" + asOf + "' as as_of, "
            + "'r' as run_id, date'" + asOf + "' as run_date, s as source from values ('accounts'), ('transactions'), ('surveys') as t(s)");
  }

  private static TablePublisher.Scope owning(String asOf) {
    return new TablePublisher.Scope(OutputTables.QUARANTINE, p -> asOf.equals(p.get("run_date")));
  }

  @Test
  void aPublishCutShortIsFinishedByTheNextRun() throws IOException {
    String out = dir.resolve("out").toString();
    TablePublisher first = new TablePublisher(out, "run-1", hadoop);
    first.stage(quarantineRows("2026-05-31", "old"), OutputTables.QUARANTINE);
    first.publish(List.of(owning("2026-05-31")));

    // The second run stages new rows and dies after three of its six moves: the three old
    // partitions are in its trash, none of the new ones are in yet.
    TablePublisher second = new TablePublisher(out, "run-2", hadoop);
    second.stage(quarantineRows("2026-05-31", "new"), OutputTables.QUARANTINE);
    second.publish(List.of(owning("2026-05-31")), 3);
    second.discardStaging(); // as the failed run's finally does: kept, since its journal is left
    assertTrue(Files.exists(dir.resolve("out/_staging/run-2/quarantine")), "staging kept for recovery");
    try (var files = Files.walk(dir.resolve("out/quarantine"))) {
      assertEquals(0, files.filter(f -> f.toString().endsWith(".parquet")).count(), "half-way: old partitions out, new not yet in");
    }

    TablePublisher.recoverInterrupted(out, hadoop);
    Dataset<Row> published = spark.read().parquet(out + "/quarantine");
    assertEquals(3, published.count());
    assertEquals(3, published.filter("record = 'new'").count(), "wholly the new run's rows");
    assertFalse(Files.exists(dir.resolve("out/_publish/run-2")));
    assertFalse(Files.exists(dir.resolve("out/_staging/run-2")));
    assertFalse(Files.exists(dir.resolve("out/_trash/run-2")));
  }

  @Test
  void aSecondRunIsRefusedWhileTheFirstHoldsTheFolder() {
    String out = dir.resolve("out").toString();
    try (RunLock lock = RunLock.acquire(out, "run-1", Duration.ofHours(12), hadoop)) {
      RunLock.HeldException e = assertThrows(RunLock.HeldException.class, () -> RunLock.acquire(out, "run-2", Duration.ofHours(12), hadoop));
      assertTrue(e.getMessage().contains("run-1") && e.getMessage().contains("_lock"), e.getMessage());
    }
    RunLock.acquire(out, "run-3", Duration.ofHours(12), hadoop).close();
  }

  @Test
  void theLockOfAKilledRunIsTakenOver() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path lock = Files.createDirectories(dir.resolve("out")).resolve("_lock");
    Files.writeString(lock, "{\"run_id\":\"killed\",\"host\":\"" + java.net.InetAddress.getLocalHost().getHostName()
        + "\",\"pid\":" + gone.pid() + ",\"started_at\":\"" + java.time.Instant.now() + "\"}");
    RunLock.acquire(dir.resolve("out").toString(), "run-2", Duration.ofHours(12), hadoop).close();
    Files.writeString(lock, "{\"run_id\":\"old\",\"host\":\"elsewhere\",\"pid\":1,\"started_at\":\"" + java.time.Instant.now().minus(Duration.ofHours(13)) + "\"}");
    RunLock.acquire(dir.resolve("out").toString(), "run-3", Duration.ofHours(12), hadoop).close();
    Files.writeString(lock, "{\"run_id\":\"busy\",\"host\":\"elsewhere\",\"pid\":1,\"started_at\":\"" + java.time.Instant.now() + "\"}");
    assertThrows(RunLock.HeldException.class, () -> RunLock.acquire(dir.resolve("out").toString(), "run-4", Duration.ofHours(12), hadoop));
  }
}
