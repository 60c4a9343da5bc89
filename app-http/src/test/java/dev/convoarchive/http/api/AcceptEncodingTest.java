package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whether a stored gzip document may be passed on as it is (RFC 9110 section 12.5.3). */
class AcceptEncodingTest {

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "NULL | false",
      "'' | false",
      "gzip | true",
      "GZip | true",
      "x-gzip | true",
      "deflate, gzip;q=0.5 | true",
      "br, deflate | false",
      "gzip;q=0 | false",
      "gzip; q=0.000 | false",
      "* | true",
      "*;q=0 | false",
      "*;q=0, gzip | true",
      "gzip;q=0, * | false",
      "identity | false",
      "gzip;q=nonsense | false",
  })
  void gzipIsAllowedWhenNamedOrCoveredByStarWithAPositiveQuality(String header, boolean allowed) {
    assertThat(ArchiveRoutes.acceptsGzip(header)).isEqualTo(allowed);
  }
}
