package io.tokenmeter.subscription.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Where the front end lives ({@code FRONTEND_URL}): Checkout returns the user there. */
@ConfigurationProperties("tokenmeter")
public record CheckoutProperties(String frontendUrl) {

    /** {@code path} under the front end's URL. */
    public String frontend(String path) {
        return frontendUrl.replaceFirst("/$", "") + path;
    }
}
