package io.tokenmeter.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * HS256 bearer tokens as the front end sends them (CONTRACT §3.6): {@code sub} is the user id,
 * keyed with the UTF-8 bytes of {@code AUTH_JWT_SECRET}.
 *
 * <pre>{@code
 * String bearer = TestJwts.user("u_1").signedWith(TestJwts.SECRET);
 * String admin = TestJwts.user("ops").admin().signedWith(TestJwts.SECRET);
 * }</pre>
 */
public final class TestJwts {

    /** The secret test configurations use for {@code AUTH_JWT_SECRET}: 32+ bytes. */
    public static final String SECRET = "test-secret-test-secret-test-secret-0123456789";

    private final String subject;
    private List<String> roles = List.of();
    private Instant expiresAt = Instant.now().plus(Duration.ofHours(1));

    private TestJwts(String subject) {
        this.subject = subject;
    }

    public static TestJwts user(String userId) {
        return new TestJwts(userId);
    }

    public TestJwts admin() {
        this.roles = List.of("admin");
        return this;
    }

    public TestJwts expiresAt(Instant expiresAt) {
        this.expiresAt = expiresAt;
        return this;
    }

    public TestJwts expired() {
        return expiresAt(Instant.now().minus(Duration.ofMinutes(10)));
    }

    /** The compact JWS, without the {@code Bearer } prefix. */
    public String signedWith(String secret) {
        JWTClaimsSet.Builder claims =
                new JWTClaimsSet.Builder()
                        .subject(subject)
                        .issueTime(Date.from(expiresAt.minus(Duration.ofHours(1))))
                        .expirationTime(Date.from(expiresAt));
        if (!roles.isEmpty()) {
            claims.claim("roles", roles);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalArgumentException(
                    "cannot sign with that secret: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /** Signed with {@link #SECRET}. */
    public String token() {
        return signedWith(SECRET);
    }
}
