package io.tokenmeter.platform.security;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.util.StringUtils;

/**
 * Users authenticate with a bearer JWT whose {@code sub} is the user id (CONTRACT §3.6): RS256
 * against {@code AUTH_JWT_JWKS_URI} in production, else HS256 keyed with the UTF-8 bytes of {@code
 * AUTH_JWT_SECRET}. A {@code "roles": ["admin"]} claim becomes {@code ROLE_ADMIN}.
 *
 * <p>Every token must carry {@code exp} (a token without one would be valid forever) and be within
 * it, and a non-blank {@code sub} (the user it speaks for: without one, a request would run as no
 * user at all); {@code iss} must equal {@code AUTH_JWT_ISSUER} and {@code aud} contain {@code
 * AUTH_JWT_AUDIENCE} when those are set, as production sets them, so that a token the identity
 * provider issued for another application is refused.
 */
@AutoConfiguration
@ConditionalOnClass({JwtDecoder.class, JwtAuthenticationConverter.class})
public class UserJwtAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(UserJwtAutoConfiguration.class);

    /** HS256 needs a key of at least 256 bits. */
    static final int MIN_SECRET_BYTES = 32;

    @Bean
    @ConditionalOnMissingBean
    JwtDecoder userJwtDecoder(
            @Value("${AUTH_JWT_JWKS_URI:}") String jwksUri,
            @Value("${AUTH_JWT_SECRET:}") String secret,
            @Value("${AUTH_JWT_ISSUER:}") String issuer,
            @Value("${AUTH_JWT_AUDIENCE:}") String audience) {
        NimbusJwtDecoder decoder;
        if (StringUtils.hasText(jwksUri)) {
            decoder =
                    NimbusJwtDecoder.withJwkSetUri(jwksUri)
                            .jwsAlgorithm(SignatureAlgorithm.RS256)
                            .build();
        } else {
            byte[] key = secret.getBytes(StandardCharsets.UTF_8);
            if (key.length < MIN_SECRET_BYTES) {
                // Start anyway (health and metrics stay reachable) but let no user in.
                log.error(
                        "AUTH_JWT_SECRET is shorter than {} bytes and AUTH_JWT_JWKS_URI is unset:"
                                + " every bearer token will be refused",
                        MIN_SECRET_BYTES);
                return token -> {
                    throw new BadJwtException("no JWT key is configured on this service");
                };
            }
            decoder =
                    NimbusJwtDecoder.withSecretKey(new SecretKeySpec(key, "HmacSHA256"))
                            .macAlgorithm(MacAlgorithm.HS256)
                            .build();
        }
        decoder.setJwtValidator(validator(issuer, audience));
        return decoder;
    }

    /** {@code exp} present and not past, {@code sub} present; issuer and audience when set. */
    static OAuth2TokenValidator<Jwt> validator(String issuer, String audience) {
        JwtTimestampValidator timestamps = new JwtTimestampValidator();
        timestamps.setAllowEmptyExpiryClaim(false);
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(timestamps);
        validators.add(
                new JwtClaimValidator<Object>(
                        JwtClaimNames.SUB,
                        subject -> subject instanceof String text && !text.isBlank()));
        if (StringUtils.hasText(issuer)) {
            validators.add(new JwtIssuerValidator(issuer.trim()));
        }
        if (StringUtils.hasText(audience)) {
            validators.add(new JwtAudienceValidator(audience.trim()));
        }
        return new DelegatingOAuth2TokenValidator<>(validators);
    }

    @Bean
    @ConditionalOnMissingBean
    JwtAuthenticationConverter userJwtAuthenticationConverter() {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(UserJwtAutoConfiguration::roles);
        return converter;
    }

    /** The bearer token from the {@code Authorization} header, without a regular expression. */
    @Bean
    @ConditionalOnMissingBean
    BearerTokenResolver headerBearerTokenResolver() {
        return new HeaderBearerTokenResolver();
    }

    /** Spring Security's firewall rules, checked without regular expressions. */
    @Bean
    @ConditionalOnMissingBean
    HttpFirewall printableHeadersFirewall() {
        return PrintableHeadersFirewall.create();
    }

    static Collection<GrantedAuthority> roles(Jwt jwt) {
        List<String> roles = jwt.getClaimAsStringList("roles");
        if (roles == null) {
            return List.of();
        }
        return roles.stream()
                .<GrantedAuthority>map(
                        role -> new SimpleGrantedAuthority("ROLE_" + role.toUpperCase(Locale.ROOT)))
                .toList();
    }
}
