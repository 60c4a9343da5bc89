package dev.convoarchive.http.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.proc.SingleKeyJWSKeySelector;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.http.config.AppConfig.AuthSettings;
import dev.convoarchive.http.config.ServiceKeyHash;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks Supabase access tokens. The algorithm a token claims picks the key, and each key accepts
 * only its own algorithms: HS256 only with the legacy secret, ES256 and RS256 only with keys from
 * the project's JWKS. So a token cannot choose how it is checked ({@code alg: none} and
 * algorithm confusion are refused), and an algorithm with no configured key is refused.
 *
 * <p>Accepted callers: a user (a UUID {@code sub}, audience {@code authenticated}), or the service
 * role ({@code role: service_role}, as in Supabase's legacy {@code service_role} key: issuer
 * {@code supabase}, no audience, no subject), or a service key whose SHA-256 hash is configured
 * (what replaces the service_role key once a project moves to Supabase's new {@code sb_secret_}
 * keys, which are not JWTs and which this service cannot check). Supabase's public {@code anon}
 * and {@code sb_publishable_} keys and any other token that names neither gets nothing.
 */
public final class TokenVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);
  static final String AUDIENCE = "authenticated";
  static final String SERVICE_ROLE = "service_role";
  /** The issuer of Supabase's legacy API keys (anon, service_role). */
  static final String LEGACY_KEY_ISSUER = "supabase";

  private final DefaultJWTProcessor<SecurityContext> secretProcessor;
  private final DefaultJWTProcessor<SecurityContext> jwksProcessor;
  private final String issuer;
  private final List<ServiceKeyHash> serviceKeys;
  /**
   * Tokens verified lately and whom they prove, so that a client's next requests skip parsing and
   * the signature check (the largest per-request cost the profiler found besides storage). An
   * entry never outlives its token's expiry, nor {@link #REMEMBERED_FOR}.
   */
  private final Cache<String, Verified> verified;

  /**
   * How long a fetched JWKS is used before it is fetched again, and a verified token remembered:
   * together at most a minute, which is how soon a key withdrawn from the project's JWKS stops
   * its tokens (docs/operations.md says so; Nimbus alone would keep a JWKS 5 minutes).
   */
  public static final Duration JWKS_CACHED_FOR = Duration.ofSeconds(30);
  static final Duration REMEMBERED_FOR = Duration.ofSeconds(30);
  /**
   * While Supabase Auth cannot be reached, the last JWKS fetched stays in use this long, so a
   * short outage signs nobody out; with none fetched yet, a token cannot be checked (503).
   */
  static final Duration OUTAGE_TOLERATED_FOR = Duration.ofMinutes(15);
  private static final int REMEMBERED_TOKENS = 10_000;

  /** A verified token's caller, remembered for {@code lifetime}. */
  private record Verified(Caller caller, Duration lifetime) {}

  /** The least time between two JWKS fetches caused by unknown key ids, so that forged kids cannot flood Supabase. */
  public static final Duration MIN_REFETCH_INTERVAL = Duration.ofSeconds(10);

  public TokenVerifier(AuthSettings settings) {
    this(settings, MIN_REFETCH_INTERVAL);
  }

  TokenVerifier(AuthSettings settings, Duration minRefetchInterval) {
    this(settings, minRefetchInterval, Ticker.systemTicker(), JWKS_CACHED_FOR);
  }

  /**
   * {@code ticker} is the remembered tokens' clock (a test's, to pass time); {@code jwksCachedFor}
   * how long a fetched JWKS is used (Nimbus reads the system clock for it).
   */
  TokenVerifier(AuthSettings settings, Duration minRefetchInterval, Ticker ticker, Duration jwksCachedFor) {
    this.verified = Caffeine.newBuilder().maximumSize(REMEMBERED_TOKENS).ticker(ticker)
        .expireAfter(Expiry.<String, Verified>creating((token, entry) -> entry.lifetime())).build();
    this.issuer = settings.supabaseUrl().map(url -> url + "/auth/v1").orElse(null);
    this.serviceKeys = settings.serviceKeys();
    this.secretProcessor = settings.jwtSecret().map(TokenVerifier::secretProcessor).orElse(null);
    this.jwksProcessor = settings.supabaseUrl().map(url -> jwksProcessor(url, minRefetchInterval, jwksCachedFor)).orElse(null);
  }

  private static DefaultJWTProcessor<SecurityContext> secretProcessor(String secret) {
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new SingleKeyJWSKeySelector<>(JWSAlgorithm.HS256,
        new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256")));
    processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(null, null, Set.of("exp")));
    return processor;
  }

  private static DefaultJWTProcessor<SecurityContext> jwksProcessor(URI supabaseUrl, Duration minRefetchInterval,
      Duration cachedFor) {
    try {
      // Cached; a token with an unknown kid triggers one (rate-limited) refetch, which is how
      // a key rotation is picked up.
      JWKSourceBuilder<SecurityContext> builder = JWKSourceBuilder
          .create(URI.create(supabaseUrl + "/auth/v1/.well-known/jwks.json").toURL())
          .cache(cachedFor.toMillis(), JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
          .refreshAheadCache(false)
          .outageTolerant(OUTAGE_TOLERATED_FOR.toMillis())
          .retrying(true);
      JWKSource<SecurityContext> keys = (minRefetchInterval.isZero()
          ? builder.rateLimited(false)
          : builder.rateLimited(minRefetchInterval.toMillis())).build();
      DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
      processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256), keys));
      processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(null, null, Set.of("exp")));
      return processor;
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("SUPABASE_URL is not a URL", e);
    }
  }

  /** The caller the {@code Authorization} header proves, or an {@link AuthException}. */
  public Caller verify(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw AuthException.unauthenticated("no access token; send Authorization: Bearer <token>");
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw AuthException.unauthenticated("the Authorization header must be \"Bearer <token>\"");
    }
    String token = authorization.substring(7).trim();
    if (isServiceKey(token)) {
      return Caller.service();
    }
    if (token.startsWith(ServiceKeyHash.KEY_PREFIX)) {
      throw AuthException.unauthenticated("this service key is not configured here (SERVICE_KEY_HASHES): "
          + "revoked, mistyped, or for another deployment");
    }
    if (token.startsWith("sb_secret_") || token.startsWith("sb_publishable_")) {
      throw AuthException.unauthenticated("Supabase's " + token.substring(0, token.indexOf('_', 3) + 1)
          + " keys are not accepted unless their hash is in SERVICE_KEY_HASHES; send the user's access token, "
          + "or a service key");
    }
    Verified known = verified.getIfPresent(token);
    if (known != null) {
      return known.caller();
    }
    JWTClaimsSet claims = verifiedClaims(token);
    Caller caller = callerOf(claims);
    Duration untilExpiry = Duration.between(Instant.now(), claims.getExpirationTime().toInstant());
    if (!untilExpiry.isNegative() && !untilExpiry.isZero()) {
      verified.put(token, new Verified(caller, untilExpiry.compareTo(REMEMBERED_FOR) < 0 ? untilExpiry : REMEMBERED_FOR));
    }
    return caller;
  }

  private JWTClaimsSet verifiedClaims(String token) {
    JWT parsed;
    try {
      parsed = JWTParser.parse(token);
    } catch (ParseException e) {
      throw AuthException.unauthenticated("the access token is not a JWT");
    }
    if (!(parsed instanceof SignedJWT signed)) {
      throw AuthException.unauthenticated("the access token is not signed; unsigned (alg: none) tokens are refused");
    }
    JWSAlgorithm alg = signed.getHeader().getAlgorithm();
    DefaultJWTProcessor<SecurityContext> processor;
    if (JWSAlgorithm.HS256.equals(alg)) {
      processor = secretProcessor;
    } else if (JWSAlgorithm.ES256.equals(alg) || JWSAlgorithm.RS256.equals(alg)) {
      processor = jwksProcessor;
    } else {
      processor = null;
    }
    if (processor == null) {
      throw AuthException.unauthenticated("tokens signed with " + alg + " are not accepted by this service");
    }
    try {
      return processor.process(signed, null);
    } catch (com.nimbusds.jwt.proc.ExpiredJWTException e) {
      throw AuthException.expired("the access token has expired; sign in again");
    } catch (BadJOSEException e) {
      throw AuthException.unauthenticated("the access token was refused: " + e.getMessage());
    } catch (KeySourceException e) {
      // Supabase Auth did not hand out its keys: the token may be good, so this is no 401 (which
      // the page takes as signed out). The reason goes to the operator's log, not to the caller.
      LOG.warn("the project's JWKS could not be fetched: {}", e.getMessage());
      throw AuthException.unavailable("the token's signing keys could not be fetched from Supabase Auth; retry later");
    } catch (JOSEException e) {
      throw AuthException.unauthenticated("the access token could not be checked: " + e.getMessage());
    }
  }

  private Caller callerOf(JWTClaimsSet claims) {
    Object role = claims.getClaim("role");
    String tokenIssuer = claims.getIssuer();
    List<String> audience = claims.getAudience();
    if (SERVICE_ROLE.equals(role)) {
      if (!LEGACY_KEY_ISSUER.equals(tokenIssuer) && !issuerMatches(tokenIssuer)) {
        throw AuthException.unauthenticated("the service_role token has an unexpected issuer");
      }
      if (audience != null && !audience.isEmpty()) {
        // Supabase's service_role key has no audience; one that has is not that key.
        throw AuthException.unauthenticated("the service_role token has an audience; Supabase's service_role key has none");
      }
      return Caller.service();
    }
    String subject = claims.getSubject();
    if (subject == null || audience == null || !audience.equals(List.of(AUDIENCE))) {
      // Not a credential for this service at all (the anon key, say): no identity was proven.
      throw AuthException.unauthenticated("this token identifies no signed-in user (the anon key, say); "
          + "send the user's access token (audience \"authenticated\"), or the service_role key");
    }
    if (!issuerMatches(tokenIssuer)) {
      throw AuthException.unauthenticated("the access token was issued by " + InvalidInputException.quote(tokenIssuer)
          + ", not by this Supabase project (" + issuer + ")");
    }
    try {
      return Caller.user(UserId.parse(subject));
    } catch (InvalidInputException e) {
      throw AuthException.unauthenticated("the token's subject is not a Supabase user id");
    }
  }

  /**
   * True when the token's hash is one of the configured ones. Every configured hash is compared,
   * each in constant time, so neither which key matched nor how much of it shows in the timing.
   */
  private boolean isServiceKey(String token) {
    if (serviceKeys.isEmpty()) {
      return false;
    }
    ServiceKeyHash presented = ServiceKeyHash.of(token);
    boolean matched = false;
    for (ServiceKeyHash key : serviceKeys) {
      matched |= key.matches(presented);
    }
    return matched;
  }

  /** How many verified tokens are remembered now (for tests). */
  long rememberedTokens() {
    verified.cleanUp();
    return verified.estimatedSize();
  }

  /** Without SUPABASE_URL (a bare HS256 secret) there is no project issuer to insist on. */
  private boolean issuerMatches(String tokenIssuer) {
    return issuer == null || issuer.equals(tokenIssuer);
  }
}
