package io.tokenmeter.dashboard.web;

import io.tokenmeter.dashboard.config.DashboardProperties;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What the usage page needs to know before the user signs in (public, no secrets). */
@RestController
class UiConfigController {

    private final DashboardProperties properties;

    UiConfigController(DashboardProperties properties) {
        this.properties = properties;
    }

    @GetMapping("/api/ui/config")
    UiConfig config() {
        return new UiConfig(properties.subscriptionServiceUrl());
    }

    /** The subscription service's base URL, for {@code GET /api/subscription/checkout/{tier}}. */
    record UiConfig(String subscriptionServiceUrl) {}
}
