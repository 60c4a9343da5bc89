package dev.convoarchive.http.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.convoarchive.domain.model.UserId;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in Supabase Auth for tests: a legacy HS256 secret, an ES256 and an RS256 key published
 * as a JWKS by a loopback HTTP server, and token minting with each.
 */
public final class Tokens implements AutoCloseable {

  public static final String SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";

  private static Tokens shared;

  /** One stand-in Auth for the whole test JVM, for tests that need nothing special of it. */
  public static synchronized Tokens shared() {
    if (shared == null) {
      shared = new Tokens();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  private final ECKey ecKey;
  private final RSAKey rsaKey;
  private volatile ECKey rotatedKey;
  private final HttpServer jwksServer;
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private volatile boolean ecWithdrawn;
  private volatile boolean jwksDown;

  public Tokens() {
    try {
      ecKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
      rsaKey = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
      jwksServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (JOSEException | IOException e) {
      throw new IllegalStateException(e);
    }
    jwksServer.createContext("/auth/v1/.well-known/jwks.json", exchange -> {
      jwksFetches.incrementAndGet();
      if (jwksDown) {
        exchange.sendResponseHeaders(503, -1);
        exchange.close();
        return;
      }
      java.util.List<com.nimbusds.jose.jwk.JWK> published = new java.util.ArrayList<>(
          ecWithdrawn ? java.util.List.of(rsaKey.toPublicJWK()) : java.util.List.of(ecKey.toPublicJWK(), rsaKey.toPublicJWK()));
      if (rotatedKey != null) {
        published.add(rotatedKey.toPublicJWK());
      }
      byte[] jwks = new JWKSet(published).toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, jwks.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(jwks);
      }
    });
    jwksServer.start();
  }

  /** The project URL whose /auth/v1/.well-known/jwks.json publishes the keys. */
  public URI supabaseUrl() {
    return URI.create("http://127.0.0.1:" + jwksServer.getAddress().getPort());
  }

  public String issuer() {
    return supabaseUrl() + "/auth/v1";
  }

  /** While true, the JWKS no longer publishes the EC key (kid ec-1): it was withdrawn. */
  public void withdrawEcKey(boolean withdrawn) {
    this.ecWithdrawn = withdrawn;
  }

  /** While true, the JWKS endpoint answers 503, as Supabase Auth in an outage. */
  public void jwksDown(boolean down) {
    this.jwksDown = down;
  }

  public int jwksFetches() {
    return jwksFetches.get();
  }

  public JWTClaimsSet.Builder userClaims(UserId user) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().subject(user.toString()).audience("authenticated").claim("role", "authenticated")
        .issuer(issuer()).issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(1))));
  }

  /** Supabase's legacy service_role key: issuer supabase, no audience, no subject. */
  public JWTClaimsSet.Builder serviceRoleClaims() {
    return new JWTClaimsSet.Builder().issuer("supabase").claim("role", "service_role")
        .issueTime(Date.from(Instant.now())).expirationTime(Date.from(Instant.now().plus(Duration.ofDays(3650))));
  }

  /** Supabase's legacy anon key. */
  public JWTClaimsSet.Builder anonClaims() {
    return new JWTClaimsSet.Builder().issuer("supabase").claim("role", "anon")
        .issueTime(Date.from(Instant.now())).expirationTime(Date.from(Instant.now().plus(Duration.ofDays(3650))));
  }

  public String hs256(JWTClaimsSet.Builder claims) {
    return hs256(claims, SECRET);
  }

  public String hs256(JWTClaimsSet.Builder claims, String secret) {
    try {
      return sign(JWSAlgorithm.HS256, null, new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public String es256(JWTClaimsSet.Builder claims) {
    try {
      return sign(JWSAlgorithm.ES256, ecKey.getKeyID(), new ECDSASigner(ecKey), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public String rs256(JWTClaimsSet.Builder claims) {
    try {
      return sign(JWSAlgorithm.RS256, rsaKey.getKeyID(), new RSASSASigner(rsaKey), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Publishes a new signing key, as Supabase does when keys are rotated, and signs with it. */
  public String es256WithRotatedKey(JWTClaimsSet.Builder claims) {
    try {
      if (rotatedKey == null) {
        rotatedKey = new ECKeyGenerator(Curve.P_256).keyID("ec-2").generate();
      }
      return sign(JWSAlgorithm.ES256, rotatedKey.getKeyID(), new ECDSASigner(rotatedKey), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An ES256 token from a key the JWKS does not publish. */
  public String es256WithUnknownKey(JWTClaimsSet.Builder claims) {
    try {
      ECKey other = new ECKeyGenerator(Curve.P_256).keyID("ec-unknown").generate();
      return sign(JWSAlgorithm.ES256, other.getKeyID(), new ECDSASigner(other), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Algorithm confusion: HS256 keyed with the RSA public key, which an attacker knows. */
  public String hs256WithRsaPublicKey(JWTClaimsSet.Builder claims) {
    try {
      byte[] publicKey = rsaKey.toPublicJWK().toRSAPublicKey().getEncoded();
      return sign(JWSAlgorithm.HS256, rsaKey.getKeyID(), new MACSigner(publicKey), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(JWSAlgorithm alg, String kid, JWSSigner signer, JWTClaimsSet.Builder claims) throws JOSEException {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims.build());
    jwt.sign(signer);
    return jwt.serialize();
  }

  @Override
  public void close() {
    jwksServer.stop(0);
  }
}
