package io.tokenmeter.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/** The user JWT decoder as configured from CONTRACT §6's variables (HS256 here). */
class UserJwtDecoderTests {

    static final String SECRET = "n2Vq8s0F4yJ1cW6eZr3LtB9kHx5PaDgU7mQoYiEjRwA=";
    static final String ISSUER = "https://login.example.com/";
    static final String AUDIENCE = "tokenmeter";

    private final JwtDecoder unconstrained =
            new UserJwtAutoConfiguration().userJwtDecoder("", SECRET, "", "");
    private final JwtDecoder production =
            new UserJwtAutoConfiguration().userJwtDecoder("", SECRET, ISSUER, AUDIENCE);

    @Test
    void refusesATokenWithoutExpiry() {
        String token = sign(claims -> claims.expirationTime(null));

        assertThatThrownBy(() -> unconstrained.decode(token))
                .isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("exp");
    }

    /** A token that names no user must not authenticate a request as nobody (a 500 or worse). */
    @Test
    void refusesATokenWithoutASubject() {
        for (String token :
                new String[] {
                    sign(claims -> claims.subject(null)), sign(claims -> claims.subject(" "))
                }) {
            assertThatThrownBy(() -> unconstrained.decode(token))
                    .isInstanceOf(JwtValidationException.class)
                    .hasMessageContaining("sub");
        }
    }

    @Test
    void acceptsAnyIssuerAndAudienceWhenNoneIsConfigured() {
        assertThat(unconstrained.decode(sign(claims -> claims)).getSubject()).isEqualTo("u1");
    }

    @Test
    void acceptsTheConfiguredIssuerAndAudience() {
        String token = sign(claims -> claims.issuer(ISSUER).audience(AUDIENCE));

        assertThat(production.decode(token).getSubject()).isEqualTo("u1");
    }

    @Test
    void refusesAForeignIssuerOrAudienceOrNeitherWhenConfigured() {
        for (String token :
                new String[] {
                    sign(claims -> claims.issuer("https://evil.example.com/").audience(AUDIENCE)),
                    sign(claims -> claims.issuer(ISSUER).audience("another-app")),
                    sign(claims -> claims.issuer(ISSUER)),
                    sign(claims -> claims.audience(AUDIENCE))
                }) {
            assertThatThrownBy(() -> production.decode(token))
                    .isInstanceOf(JwtValidationException.class);
        }
    }

    @Test
    void refusesAnExpiredToken() {
        String token =
                sign(
                        claims ->
                                claims.issueTime(
                                                Date.from(Instant.now().minus(Duration.ofHours(1))))
                                        .expirationTime(
                                                Date.from(
                                                        Instant.now()
                                                                .minus(Duration.ofMinutes(5)))));

        assertThatThrownBy(() -> unconstrained.decode(token))
                .isInstanceOf(JwtValidationException.class);
    }

    private static String sign(UnaryOperator<JWTClaimsSet.Builder> customize) {
        JWTClaimsSet.Builder claims =
                new JWTClaimsSet.Builder()
                        .subject("u1")
                        .issueTime(new Date())
                        .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1))));
        try {
            SignedJWT jwt =
                    new SignedJWT(
                            new JWSHeader(JWSAlgorithm.HS256), customize.apply(claims).build());
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
