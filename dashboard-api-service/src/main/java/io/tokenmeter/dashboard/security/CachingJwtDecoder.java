package io.tokenmeter.dashboard.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Remembers tokens the delegate has verified, by their exact compact form (header, claims and
 * signature), until they expire ({@code exp}) and for {@code ttl} at most. A page polling every two
 * seconds sends the same token thousands of times; verifying it once is enough. A token that
 * differs in any byte (another signature included) is a different key and is verified afresh;
 * failures are never remembered.
 */
final class CachingJwtDecoder implements JwtDecoder {

    private final JwtDecoder delegate;
    private final Clock clock;
    private final Cache<String, Jwt> verified;

    CachingJwtDecoder(JwtDecoder delegate, long maximumSize, Duration ttl, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
        this.verified =
                Caffeine.newBuilder()
                        .maximumSize(maximumSize)
                        .expireAfter(Expiry.writing((String token, Jwt jwt) -> life(jwt, ttl)))
                        .build();
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Jwt jwt = verified.getIfPresent(token);
        if (jwt != null && !expired(jwt)) {
            return jwt;
        }
        jwt = delegate.decode(token);
        verified.put(token, jwt);
        return jwt;
    }

    private boolean expired(Jwt jwt) {
        Instant expiresAt = jwt.getExpiresAt();
        return expiresAt != null && !expiresAt.isAfter(clock.instant());
    }

    /** How long a verified token is remembered: until its {@code exp}, and {@code ttl} at most. */
    private Duration life(Jwt jwt, Duration ttl) {
        if (jwt.getExpiresAt() == null) {
            return ttl;
        }
        Duration untilExpiry = Duration.between(clock.instant(), jwt.getExpiresAt());
        if (untilExpiry.isNegative()) {
            return Duration.ZERO;
        }
        return untilExpiry.compareTo(ttl) < 0 ? untilExpiry : ttl;
    }
}
