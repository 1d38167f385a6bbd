package io.tokenmeter.notification.contacts.jdbc;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The contacts' database adapter. */
@Configuration(proxyBeanMethods = false)
class ContactsJdbcConfiguration {

    @Bean
    JdbcContactBook contactBook(JdbcClient jdbc) {
        return new JdbcContactBook(jdbc);
    }
}
