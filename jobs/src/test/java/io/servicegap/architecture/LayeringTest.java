package io.servicegap.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Packages depend one way: cli → run → report → output → metrics → keys → ingest, stats →
 * config (generate beside run, under cli). The output layer declares the derived tables' columns
 * from the metrics' headline figures, so it sits above metrics; nothing below looks up.
 */
class LayeringTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importMain() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.servicegap");
  }

  @Test
  void layersDependOneWay() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("cli").definedBy("io.servicegap.cli..")
        .layer("generate").definedBy("io.servicegap.generate..")
        .layer("run").definedBy("io.servicegap.run..")
        .layer("report").definedBy("io.servicegap.report..")
        .layer("output").definedBy("io.servicegap.output..")
        .layer("metrics").definedBy("io.servicegap.metrics..")
        .layer("keys").definedBy("io.servicegap.keys..")
        .layer("ingest").definedBy("io.servicegap.ingest..")
        .layer("stats").definedBy("io.servicegap.stats..")
        .layer("config").definedBy("io.servicegap.config..")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("generate").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("run").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("report").mayOnlyBeAccessedByLayers("cli", "run")
        .whereLayer("output").mayOnlyBeAccessedByLayers("cli", "run", "report")
        .whereLayer("metrics").mayOnlyBeAccessedByLayers("cli", "run", "report", "output")
        .whereLayer("keys").mayOnlyBeAccessedByLayers("cli", "run", "report", "output", "metrics")
        .whereLayer("ingest").mayOnlyBeAccessedByLayers("cli", "run", "report", "output", "metrics", "keys")
        .whereLayer("stats").mayOnlyBeAccessedByLayers("cli", "run", "report", "output", "metrics", "keys", "ingest")
        .whereLayer("config").mayOnlyBeAccessedByLayers("cli", "generate", "run", "report", "output", "metrics", "keys", "ingest", "stats")
        .check(classes);
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.servicegap.(*)..").should().beFreeOfCycles().check(classes);
  }
}
