package io.tokenmeter.notification.config;

import io.tokenmeter.notification.contacts.UnsubscribeLinks;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds the contacts core from its adapters. */
@Configuration(proxyBeanMethods = false)
class ContactsConfiguration {

    /**
     * Keyed with the service token, which every deployment sets: rotating it invalidates the links
     * in mails already sent (their GET page then says so). Without a token (the API refuses every
     * call then) the links work until the next restart.
     */
    @Bean
    UnsubscribeLinks unsubscribeLinks(NotificationProperties properties) {
        String secret = properties.apiToken();
        return new UnsubscribeLinks(
                secret == null || secret.isBlank() ? "unset-" + UUID.randomUUID() : secret,
                properties.publicBaseUrl());
    }
}
