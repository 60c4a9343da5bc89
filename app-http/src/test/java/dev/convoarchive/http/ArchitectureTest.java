package dev.convoarchive.http;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.regex.Pattern;

/** The dependency rules of docs/architecture.md ("Modules"), checked here because this module sees every other one. */
@AnalyzeClasses(packages = "dev.convoarchive", importOptions = ArchitectureTest.ProductionCodeOnly.class)
class ArchitectureTest {

  /** Leaves out test classes, also those that arrive packed in a module's test-jar. */
  static final class ProductionCodeOnly implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("/test-classes/") && !location.matches(Pattern.compile(".*-tests\\.jar.*"));
    }
  }

  @ArchTest
  static final ArchRule domainUsesOnlyTheJdk = classes()
      .that().resideInAPackage("dev.convoarchive.domain..")
      .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.convoarchive.domain..")
      .because("the domain must stay free of frameworks and adapters");

  @ArchTest
  static final ArchRule portsAreInterfaces = classes()
      .that().resideInAnyPackage("dev.convoarchive.domain.port..", "dev.convoarchive.domain.spi..")
      .should().beInterfaces();

  @ArchTest
  static final ArchRule s3AdapterDoesNotUseTheSupabaseAdapter = noClasses()
      .that().resideInAPackage("dev.convoarchive.s3..")
      .should().dependOnClassesThat().resideInAPackage("dev.convoarchive.supabase..");

  @ArchTest
  static final ArchRule supabaseAdapterDoesNotUseTheS3Adapter = noClasses()
      .that().resideInAPackage("dev.convoarchive.supabase..")
      .should().dependOnClassesThat().resideInAPackage("dev.convoarchive.s3..");

  @ArchTest
  static final ArchRule adaptersDoNotUseTheService = noClasses()
      .that().resideInAnyPackage("dev.convoarchive.domain..", "dev.convoarchive.s3..", "dev.convoarchive.supabase..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.convoarchive.http..", "dev.convoarchive.bench..")
      .because("arrows point inward only");

  @ArchTest
  static final ArchRule httpEdgeTalksOnlyToUseCasesAndPorts = noClasses()
      .that().resideInAnyPackage("dev.convoarchive.http.api..", "dev.convoarchive.http.auth..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.convoarchive.s3..", "dev.convoarchive.supabase..",
          "software.amazon..", "javax.sql..", "com.zaxxer..")
      .because("routes and auth see use cases and small ports; adapters are wired in, not reached into");

  @ArchTest
  static final ArchRule theAppsTablesDoNotKnowTheServicesOwnSchema = noClasses()
      .that().resideInAPackage("dev.convoarchive.supabase.live..")
      .should().dependOnClassesThat().resideInAPackage("dev.convoarchive.supabase.store..")
      .because("live is the chat app's tables and store the service's own schema; the store may read the app's "
          + "names, the live side never needs the store");

  @ArchTest
  static final ArchRule supabasePackagesDoNotReachBackIntoTheModule = noClasses()
      .that().resideInAnyPackage("dev.convoarchive.supabase.live..", "dev.convoarchive.supabase.store..",
          "dev.convoarchive.supabase.jdbc..")
      .should().dependOnClassesThat().resideInAPackage("dev.convoarchive.supabase")
      .because("the module's face (its Guice module, settings and config) wires live and store, not the other way");

  @ArchTest
  static final ArchRule compareAndSwapStaysInsideTheS3Adapter = classes()
      .that().resideInAPackage("dev.convoarchive.s3.cas..")
      .should().onlyBeAccessed().byAnyPackage("dev.convoarchive.s3..")
      .because("the conditional-write helper is the S3 adapter's own machinery");

  @ArchTest
  static final ArchRule packagesAreFreeOfCycles = slices()
      .matching("dev.convoarchive.(**)")
      .should().beFreeOfCycles()
      .because("a package that imports one that imports it back can only be understood, and changed, together");
}
