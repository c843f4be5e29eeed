package io.servicegap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.servicegap.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mapping mistakes (SPEC §2b) stop a run at start-up with exit 2, every one listed, before a row is
 * read; secrets never reach the messages or the manifest.
 */
class MappingStartupTest extends SparkTestBase {
  @TempDir Path dir;

  private Path conf(String hocon) throws IOException {
    Path f = dir.resolve("mapping.conf");
    Files.writeString(f, "servicegap.output.path = \"" + dir.resolve("out") + "\"\n" + hocon);
    return f;
  }

  private Path csv(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  @Test
  void settingsMistakesAreListedTogether() throws IOException {
    Path accounts = csv("accounts.csv", "id,group,plan\nA1,smb,budget\n");
    JobRunner.Result r = JobRunner.run(spark, "run", "--conf", conf(String.join("\n",
        "servicegap.raw.crm { format = jdbc, options { dbtable = accounts } }",
        "servicegap.raw.sheet { format = xml, path = \"/x\" }",
        "servicegap.raw.\"bad name\" { path = \"/x\" }",
        "servicegap.inputs.accounts { path = \"" + accounts + "\", sql = \"SELECT * FROM crm\" }",
        "servicegap.inputs.transactions { sql = \"SELECT 1\", timestamp-format = \"yyyy-MM-dd {\" }",
        "servicegap.inputs.complaints.sql = \"SELECT 1\"",
        "servicegap.inputs.surveys.sql = \"SELECT 1\"")).toString());
    assertEquals(2, r.exitCode(), r.err());
    for (String expected : new String[] {
        "servicegap.raw.crm: format jdbc needs options.url",
        "servicegap.raw.sheet.format must be one of csv, json, parquet, jdbc, table",
        "servicegap.raw.bad name: a raw input's name is the view its queries read",
        "servicegap.inputs.accounts has both path and sql",
        "servicegap.inputs.transactions.timestamp-format: not a datetime pattern"}) {
      assertTrue(r.err().contains(expected), expected + " in\n" + r.err());
    }
  }

  @Test
  void mappingMistakesAreListedTogetherBeforeAnyRowIsRead() throws IOException {
    Path accounts = csv("accounts.csv", "Customer No,Group,Plan\nA1,smb,budget\n");
    Path surveys = csv("surveys.csv", "Response,Customer,When,Question,Score\nR1,A1,2024-01-01T00:00:00Z,value,5\n");
    JobRunner.Result r = JobRunner.run(spark, "run", "--conf", conf(String.join("\n",
        "servicegap.raw.orders_export { path = \"" + accounts + "\", format = csv }",
        "servicegap.inputs.accounts { path = \"" + accounts + "\", columns { account_id = \"`Customer No`\", segment = \"Group\", price_tier = \"Tier\" } }",
        "servicegap.inputs.transactions.sql = \"SELECT * FROM orders_exprot\"",
        "servicegap.inputs.complaints.sql = \"SELEC complaint_id FROM orders_export\"",
        "servicegap.inputs.surveys { path = \"" + surveys + "\", columns { response_id = \"Response\", account_id = \"Customer\",",
        "  submitted_ts = \"When\", dimension = \"Question\", perception = \"Score\", mood = \"Score\" }, where = \"Answered = 'yes'\" }")).toString());
    assertEquals(2, r.exitCode(), r.err());
    for (String expected : new String[] {
        "servicegap.inputs.accounts.columns.price_tier: ", // Tier is not a column of the export
        "servicegap.inputs.transactions.sql: ",            // orders_exprot is no raw input
        "servicegap.inputs.complaints.sql: ",              // does not parse
        "servicegap.inputs.surveys.columns.mood: not a column of the surveys contract",
        "servicegap.inputs.surveys.where: ",
        "servicegap.inputs.surveys: required column 'phase' is neither mapped in columns nor among the export's columns"}) {
      assertTrue(r.err().contains(expected), expected + " in\n" + r.err());
    }
    assertTrue(r.err().contains("orders_exprot") && r.err().contains("raw inputs: orders_export"), r.err());
    assertTrue(r.err().contains("Tier") && r.err().contains("Answered"), r.err());
    // The manifest records the failure and no input: ingestion never started.
    JsonNode manifest = SampleRunTest.manifest(dir.resolve("out"));
    assertEquals(2, manifest.get("exit_code").asInt());
    assertFalse(manifest.has("inputs"), manifest.toString());
  }

  @Test
  void secretsNeverReachTheMessagesOrTheManifest() throws IOException {
    Path accounts = csv("accounts.csv", "account_id,segment,price_tier\nA1,smb,budget\n");
    // Nothing listens on port 9: the raw input cannot be opened, and the driver's message and the
    // URL's own password stay out of every text the run writes.
    JobRunner.Result r = JobRunner.run(spark, "run", "--conf", conf(String.join("\n",
        "servicegap.raw.crm { format = jdbc, options { url = \"jdbc:postgresql://127.0.0.1:9/crm?password=url-pw-123\",",
        "  dbtable = \"public.orders\", user = reader, password = \"pw-456-secret\", connectTimeout = \"2\" } }",
        "servicegap.inputs.accounts.path = \"" + accounts + "\"",
        "servicegap.inputs.transactions.sql = \"SELECT * FROM crm\"",
        "servicegap.inputs.complaints.required = false",
        "servicegap.inputs.surveys.required = false")).toString(),
        "--set", "servicegap.raw.crm.options.token=tok-789");
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(r.err().contains("raw input crm: cannot open jdbc jdbc public.orders"), r.err());
    String manifest;
    try (Stream<Path> runs = Files.list(dir.resolve("out/_runs"))) {
      manifest = Files.readString(runs.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow());
    }
    for (String secret : new String[] {"url-pw-123", "pw-456-secret", "tok-789"}) {
      assertFalse(r.err().contains(secret), secret + " in " + r.err());
      assertFalse(r.out().contains(secret), secret + " in " + r.out());
      assertFalse(manifest.contains(secret), secret + " in " + manifest);
    }
  }
}
