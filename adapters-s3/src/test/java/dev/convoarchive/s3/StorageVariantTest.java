package dev.convoarchive.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.model.UserId;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** How configuration names the variants, and what each says of itself. */
class StorageVariantTest {

  @ParameterizedTest
  @EnumSource(StorageVariant.class)
  void theSettingsThatNameAVariantChooseIt(StorageVariant variant) {
    assertThat(StorageVariant.configured(Optional.of(variant.strategy()), variant.index())).isEqualTo(variant);
  }

  @Test
  void unsetSettingsChooseTheDefaultAndAStrategyAloneItsFirstIndex() {
    assertThat(StorageVariant.configured(Optional.empty(), Optional.empty())).isEqualTo(StorageVariant.PER_FILE_POSTGRES_INDEX);
    assertThat(StorageVariant.configured(Optional.of("per-file"), Optional.empty())).isEqualTo(StorageVariant.PER_FILE_POSTGRES_INDEX);
    assertThat(StorageVariant.configured(Optional.empty(), Optional.of("s3"))).isEqualTo(StorageVariant.PER_FILE_S3_INDEX);
    // single-file has no index to choose; a known index setting left over from per-file is no error
    assertThat(StorageVariant.configured(Optional.of("single-file"), Optional.of("postgres"))).isEqualTo(StorageVariant.SINGLE_FILE);
  }

  @Test
  void unknownValuesAreRefusedWithTheValidOnes() {
    assertThatThrownBy(() -> StorageVariant.configured(Optional.of("perfile"), Optional.empty()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("ARCHIVE_STRATEGY: must be one of per-file, single-file; got \"perfile\"");
    assertThatThrownBy(() -> StorageVariant.configured(Optional.of("per-file"), Optional.of("dynamo")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("ARCHIVE_INDEX: must be one of postgres, s3; got \"dynamo\"");
  }

  @Test
  void eachVariantHasNamesOfItsOwn() {
    Set<String> shortNames = Stream.of(StorageVariant.values()).map(StorageVariant::shortName).collect(Collectors.toSet());
    Set<String> described = Stream.of(StorageVariant.values()).map(StorageVariant::describe).collect(Collectors.toSet());
    assertThat(shortNames).hasSize(StorageVariant.values().length)
        .containsExactlyInAnyOrder("per-file-postgres", "per-file-s3", "single-file");
    assertThat(described).hasSize(StorageVariant.values().length);
  }

  @Test
  void aVariantThatNeedsConditionalWritesSaysWhatTheirLossCosts() {
    for (StorageVariant variant : StorageVariant.values()) {
      assertThat(variant.withoutConditionalWrites().isPresent()).as(variant.name()).isEqualTo(variant.needsConditionalWrites());
    }
    // the PostgreSQL index orders writes by row locks: no conditional write needed
    assertThat(StorageVariant.PER_FILE_POSTGRES_INDEX.needsConditionalWrites()).isFalse();
    assertThat(StorageVariant.PER_FILE_POSTGRES_INDEX.needsDatabaseCatalog()).isTrue();
  }

  @Test
  void aUsersObjectsStartInAFolderPerFileAndAreOneFileSingleFile() {
    UserId owner = UserId.parse("8f14e45f-ceea-467f-a0e6-7c6a5d4b3f21");
    assertThat(StorageVariant.PER_FILE_S3_INDEX.userObjects("p", owner)).isEqualTo("p/8f14e45f-ceea-467f-a0e6-7c6a5d4b3f21/");
    assertThat(StorageVariant.SINGLE_FILE.userObjects("p", owner)).isEqualTo("p/8f14e45f-ceea-467f-a0e6-7c6a5d4b3f21.json");
  }
}
