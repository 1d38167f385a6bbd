package io.tokenmeter.localstack;

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

/** An HS256 token for a local user, signed with the local {@code AUTH_JWT_SECRET}. */
final class DevJwt {

    static final Duration VALIDITY = Duration.ofDays(30);

    private DevJwt() {}

    static String forUser(String userId, String secret) {
        Instant now = Instant.now();
        JWTClaimsSet claims =
                new JWTClaimsSet.Builder()
                        .subject(userId)
                        .issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plus(VALIDITY)))
                        .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException(
                    "AUTH_JWT_SECRET cannot sign HS256: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
